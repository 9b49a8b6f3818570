package dev.filelock.spring.aop;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@link FileLocked} method per way a method can return (a value, a future, a
 * {@code Mono}, a {@code Flux}), all locking {@code calls/<id>.lock}, for tests that run
 * every return style on a backend.
 */
public interface LockedCalls {

    /**
     * The path every method of an implementation locks for an id.
     * @param id the id passed to the method
     * @return the lock key
     */
    static String key(String id) {
        return "calls/" + id + ".lock";
    }

    /**
     * Runs the body while holding the lock.
     * @param <T> the result type
     * @param id the lock's id
     * @param body the work
     * @return what the body returned
     */
    <T> T call(String id, Supplier<T> body);

    /**
     * Holds the lock until the future completes.
     * @param <T> the result type
     * @param id the lock's id
     * @param body the work's future
     * @return a future completed after the release
     */
    <T> CompletableFuture<T> future(String id, CompletableFuture<T> body);

    /**
     * Holds the lock while the {@code Mono} runs.
     * @param <T> the result type
     * @param id the lock's id
     * @param body the work
     * @return the locked work
     */
    <T> Mono<T> mono(String id, Mono<T> body);

    /**
     * Holds the lock while the {@code Flux} runs.
     * @param <T> the element type
     * @param id the lock's id
     * @param body the work
     * @return the locked work
     */
    <T> Flux<T> flux(String id, Flux<T> body);

    /** Takes the exclusive lock of the path. */
    class Exclusive implements LockedCalls {

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s")
        public <T> T call(String id, Supplier<T> body) {
            return body.get();
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s")
        public <T> CompletableFuture<T> future(String id, CompletableFuture<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s")
        public <T> Mono<T> mono(String id, Mono<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s")
        public <T> Flux<T> flux(String id, Flux<T> body) {
            return body;
        }

    }

    /**
     * Takes the shared side of the path's lock (the exclusive lock where there is no
     * shared mode).
     */
    class Read implements LockedCalls {

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s", mode = LockMode.READ)
        public <T> T call(String id, Supplier<T> body) {
            return body.get();
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s", mode = LockMode.READ)
        public <T> CompletableFuture<T> future(String id, CompletableFuture<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s", mode = LockMode.READ)
        public <T> Mono<T> mono(String id, Mono<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "10s", mode = LockMode.READ)
        public <T> Flux<T> flux(String id, Flux<T> body) {
            return body;
        }

    }

}
