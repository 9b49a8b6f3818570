package dev.filelock.spring.aop;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.spring.FileLockContext;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.LockBackend;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;

/** Runs {@link dev.filelock.spring.FileLocked} methods while holding their lock. */
@SuppressWarnings("try") // the fencing context scope is bound for the body, which does
                         // not name it
final class FileLockedInterceptor implements MethodInterceptor {

    private static final Log logger = LogFactory.getLog(FileLockedInterceptor.class);

    private final LockedMethods lockedMethods;

    private final Supplier<LockBackend> backend;

    private final Supplier<@Nullable BeanFactory> beanFactory;

    private final MinimumHolds minimumHolds;

    FileLockedInterceptor(LockedMethods lockedMethods, Supplier<LockBackend> backend,
            Supplier<@Nullable BeanFactory> beanFactory, MinimumHolds minimumHolds) {
        this.lockedMethods = lockedMethods;
        this.backend = backend;
        this.beanFactory = beanFactory;
        this.minimumHolds = minimumHolds;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        if (target == null) {
            return invocation.proceed();
        }
        Class<?> targetClass = AopUtils.getTargetClass(target);
        LockedMethod locked = this.lockedMethods.find(invocation.getMethod(), targetClass);
        if (locked == null) {
            return invocation.proceed();
        }
        String key = locked.key().evaluate(invocation.getArguments(), target, targetClass, this.beanFactory.get());
        return switch (locked.returns()) {
            case PLAIN, OPTIONAL ->
                LockedMethods.synchronousResult(invocation.getMethod(), invokeHolding(invocation, locked, key));
            case COMPLETION_STAGE -> invokeUntilCompleted(invocation, locked, key);
            case MONO, FLUX -> ReactorLocking.lock(invocation, locked, key, this.backend.get(),
                    (hold) -> keepMinimum(invocation, locked, key, hold), () -> skipped(invocation, locked, key));
        };
    }

    private @Nullable Object invokeHolding(MethodInvocation invocation, LockedMethod locked, String key)
            throws Throwable {
        LockBackend backend = this.backend.get();
        LockHold acquired;
        try {
            // A hold that outlives the call is released by another thread, so the calling
            // thread must not own it.
            acquired = locked.holdsAtLeastInThisJvm(backend) ? awaitDetached(key, locked)
                    : backend.acquire(key, locked.mode(), locked.timeout(), locked.minimumKeptBy(backend));
        }
        catch (FileLockTimeoutException ex) {
            if (locked.onTimeout() == OnTimeout.SKIP) {
                skipped(invocation, locked, key);
                return (locked.returns() == LockedMethod.ReturnStyle.OPTIONAL) ? Optional.empty() : null;
            }
            throw naming(invocation, key, ex);
        }
        LockHold hold = keepMinimum(invocation, locked, key, acquired);
        Object result;
        try (FileLockContext.Scope bound = FileLockContext.bind(key, acquired)) {
            result = invocation.proceed();
        }
        catch (Throwable ex) {
            releaseAfterFailure(hold, ex);
            throw ex;
        }
        hold.close();
        return result;
    }

    private @Nullable Object invokeUntilCompleted(MethodInvocation invocation, LockedMethod locked, String key)
            throws Throwable {
        Class<?> returnType = invocation.getMethod().getReturnType();
        boolean futureFits = returnType.isAssignableFrom(CompletableFuture.class);
        LockHold acquired;
        try {
            acquired = awaitDetached(key, locked);
        }
        catch (FileLockTimeoutException ex) {
            if (locked.onTimeout() == OnTimeout.SKIP) {
                skipped(invocation, locked, key);
                return futureFits ? CompletableFuture.completedFuture(null) : null;
            }
            FileLockTimeoutException named = naming(invocation, key, ex);
            if (futureFits) {
                return CompletableFuture.failedFuture(named);
            }
            throw named;
        }
        LockHold hold = keepMinimum(invocation, locked, key, acquired);
        Object result;
        try (FileLockContext.Scope bound = FileLockContext.bind(key, acquired)) {
            result = invocation.proceed();
        }
        catch (Throwable ex) {
            releaseAfterFailure(hold, ex);
            throw ex;
        }
        if (result == null) {
            hold.close();
            return null;
        }
        CompletionStage<?> stage = (CompletionStage<?>) result;
        if (!futureFits) {
            // The caller keeps the method's own stage, so a release failure can only be
            // logged.
            stage.whenComplete((value, failure) -> {
                try {
                    hold.close();
                }
                catch (RuntimeException | Error ex) {
                    logger.error("Could not release the lock '" + hold.path() + "' of " + invocation.getMethod(), ex);
                }
            });
            return stage;
        }
        // A new future that completes only after the release, so that a caller who joins
        // it sees the lock free; it
        // fails with the release failure if the method succeeded, and carries it as
        // suppressed if the method failed.
        CompletableFuture<Object> released = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                releaseAfterFailure(hold, cause);
                released.completeExceptionally(cause);
                return;
            }
            try {
                hold.close();
            }
            catch (Throwable releaseFailure) {
                released.completeExceptionally(releaseFailure);
                return;
            }
            released.complete(value);
        });
        released.whenComplete((value, failure) -> {
            if (released.isCancelled()) {
                stage.toCompletableFuture().cancel(true);
            }
        });
        return released;
    }

    private LockHold awaitDetached(String key, LockedMethod locked) {
        LockBackend backend = this.backend.get();
        CompletableFuture<LockHold> acquisition = backend.acquireDetached(key, locked.mode(), locked.timeout(),
                locked.minimumKeptBy(backend));
        try {
            return acquisition.get();
        }
        catch (InterruptedException ex) {
            acquisition.cancel(false);
            Thread.currentThread().interrupt();
            throw new FileLockInterruptedException(Path.of(key), ex);
        }
        catch (ExecutionException ex) {
            Throwable cause = unwrap(ex.getCause());
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Could not acquire the lock '" + key + "'", cause);
        }
    }

    /**
     * Makes closing a hold of a method with a minimum hold release it only once the
     * minimum has passed, unless the backend keeps the minimum in its store.
     */
    private LockHold keepMinimum(MethodInvocation invocation, LockedMethod locked, String key, LockHold hold) {
        if (!locked.holdsAtLeastInThisJvm(this.backend.get())) {
            return hold;
        }
        return this.minimumHolds.keep(hold, locked.holdAtLeast(), describe(invocation, key));
    }

    /**
     * Logs a skipped call at DEBUG (a skip is the expected outcome of a job that another
     * instance runs) and counts it through the {@link FileLockedSkipListener} beans.
     */
    private void skipped(MethodInvocation invocation, LockedMethod locked, String key) {
        Object target = invocation.getThis();
        // The bean's own method, not an interface's, so that two implementations are told
        // apart.
        Method method = (target != null)
                ? AopUtils.getMostSpecificMethod(invocation.getMethod(), AopUtils.getTargetClass(target))
                : invocation.getMethod();
        if (logger.isDebugEnabled()) {
            logger.debug("Skipped @FileLocked method " + method.getDeclaringClass().getSimpleName() + "."
                    + method.getName() + " (key '" + key + "'): its lock was not acquired within " + locked.timeout()
                    + " (onTimeout = SKIP)");
        }
        BeanFactory factory = this.beanFactory.get();
        if (factory != null) {
            factory.getBeanProvider(FileLockedSkipListener.class)
                .orderedStream()
                .forEach((listener) -> listener.skipped(method, key));
        }
    }

    private static String describe(MethodInvocation invocation, String key) {
        return "@FileLocked method " + invocation.getMethod().getDeclaringClass().getSimpleName() + "."
                + invocation.getMethod().getName() + " (key '" + key + "')";
    }

    /**
     * Puts the method and the key in front of a timeout's message (which says the wait,
     * the mode and the holder), keeping the original as the cause.
     */
    static FileLockTimeoutException naming(MethodInvocation invocation, String key, FileLockTimeoutException timeout) {
        return new FileLockTimeoutException(timeout.path(), describe(invocation, key) + ": " + timeout.getMessage(),
                timeout);
    }

    /**
     * Releases a hold after the method failed, keeping the method's failure first and the
     * release's suppressed.
     */
    static void releaseAfterFailure(LockHold hold, Throwable failure) {
        try {
            hold.close();
        }
        catch (Throwable releaseFailure) {
            if (releaseFailure != failure) {
                failure.addSuppressed(releaseFailure);
            }
        }
    }

    private static Throwable unwrap(@Nullable Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return (cause != null) ? cause : new IllegalStateException("Completed exceptionally without a cause");
    }

}
