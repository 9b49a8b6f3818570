package dev.filelock.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ways a {@link LockedCalls} method can run a body, each seen by its caller as a
 * future: completed with the body's value after the release, or failed with what the
 * caller would catch or receive.
 */
enum CallStyle {

    /** A method returning the body's value. */
    SYNCHRONOUS {
        @Override
        CompletableFuture<String> run(LockedCalls calls, String id, Supplier<String> body) {
            try {
                return CompletableFuture.completedFuture(calls.call(id, body));
            }
            catch (Throwable ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
    },

    /**
     * A method returning a future that runs the body on another thread once the method
     * has returned.
     */
    COMPLETABLE_FUTURE {
        @Override
        CompletableFuture<String> run(LockedCalls calls, String id, Supplier<String> body) {
            CompletableFuture<Void> start = new CompletableFuture<>();
            CompletableFuture<String> result;
            try {
                result = calls.future(id, start.thenApplyAsync((ignored) -> body.get()));
            }
            catch (Throwable ex) {
                return CompletableFuture.failedFuture(ex);
            }
            start.complete(null);
            return result;
        }
    },

    /** A method returning a {@code Mono} of the body. */
    MONO {
        @Override
        CompletableFuture<String> run(LockedCalls calls, String id, Supplier<String> body) {
            return calls.mono(id, Mono.fromSupplier(body)).toFuture();
        }
    },

    /** A method returning a {@code Flux} of two elements, the body being the second. */
    FLUX {
        @Override
        CompletableFuture<String> run(LockedCalls calls, String id, Supplier<String> body) {
            return calls.flux(id, Flux.just("first").concatWith(Mono.fromSupplier(body)))
                .collectList()
                .map((elements) -> elements.get(elements.size() - 1))
                .toFuture();
        }
    };

    /**
     * Calls the method of this style.
     * @param calls the locked bean
     * @param id the lock's id
     * @param body the work done while locked
     * @return the outcome as the caller sees it
     */
    abstract CompletableFuture<String> run(LockedCalls calls, String id, Supplier<String> body);

}
