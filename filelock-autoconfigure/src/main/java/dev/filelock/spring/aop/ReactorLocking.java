package dev.filelock.spring.aop;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.LockBackend;
import java.util.function.UnaryOperator;
import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import org.springframework.aop.ProxyMethodInvocation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Holds the lock of a {@link dev.filelock.spring.FileLocked} method returning
 * {@link Mono} or {@link Flux} from subscription to termination or cancellation; waits
 * without blocking a thread. Loaded only when Reactor is present.
 */
final class ReactorLocking {

    private ReactorLocking() {
    }

    static boolean isMono(Class<?> type) {
        return Mono.class.isAssignableFrom(type);
    }

    static boolean isFlux(Class<?> type) {
        return Flux.class.isAssignableFrom(type);
    }

    /**
     * Returns the method's publisher holding the lock; {@code keep} wraps each hold
     * acquired (a minimum hold), and {@code skipped} runs when a call is skipped.
     */
    static Publisher<?> lock(MethodInvocation invocation, LockedMethod locked, String key, LockBackend backend,
            UnaryOperator<LockHold> keep, Runnable skipped) {
        Mono<LockHold> acquisition = Mono
            .fromFuture(
                    () -> backend.acquireDetached(key, locked.mode(), locked.timeout(), locked.minimumKeptBy(backend)),
                    false)
            .map(keep);
        if (locked.onTimeout() == OnTimeout.SKIP) {
            acquisition = acquisition.onErrorResume(FileLockTimeoutException.class, (ex) -> {
                skipped.run();
                return Mono.empty();
            });
        }
        else {
            acquisition = acquisition.onErrorMap(FileLockTimeoutException.class,
                    (ex) -> FileLockedInterceptor.naming(invocation, key, ex));
        }
        if (locked.returns() == LockedMethod.ReturnStyle.MONO) {
            return Mono.usingWhen(acquisition, (hold) -> Mono.defer(() -> Mono.from(invoke(invocation))),
                    ReactorLocking::release, ReactorLocking::releaseAfterFailure, ReactorLocking::release);
        }
        return Flux.usingWhen(acquisition, (hold) -> Flux.defer(() -> invoke(invocation)), ReactorLocking::release,
                ReactorLocking::releaseAfterFailure, ReactorLocking::release);
    }

    /**
     * Calls the method once per subscription, on a copy of the invocation so that
     * resubscribing works.
     */
    private static Publisher<?> invoke(MethodInvocation invocation) {
        try {
            MethodInvocation call = (invocation instanceof ProxyMethodInvocation proxied) ? proxied.invocableClone()
                    : invocation;
            Object result = call.proceed();
            return (result != null) ? (Publisher<?>) result : Mono.empty();
        }
        catch (Throwable ex) {
            return Mono.error(ex);
        }
    }

    /**
     * Releases after a successful or cancelled run; Reactor reports a failure of it to
     * the subscriber as an {@code
     * IllegalStateException} caused by it (after cancellation, to its dropped-error
     * hook).
     */
    private static Mono<Void> release(LockHold hold) {
        return Mono.fromRunnable(hold::close);
    }

    /**
     * Releases after the method failed; Reactor would make a release failure the primary
     * error, so it is added to the method's failure as suppressed instead.
     */
    private static Mono<Void> releaseAfterFailure(LockHold hold, Throwable failure) {
        return Mono.fromRunnable(() -> FileLockedInterceptor.releaseAfterFailure(hold, failure));
    }

}
