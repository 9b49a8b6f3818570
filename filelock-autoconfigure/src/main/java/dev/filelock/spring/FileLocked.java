package dev.filelock.spring;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Runs a Spring bean's method while holding a cross-process file lock, taken from the
 * {@link LockBackend} (the auto-configured {@link FileLockRegistry}); on a type, applies
 * to all its public methods. Usable as a meta-annotation.
 *
 * <pre>{@code
 * &#64;FileLocked(path = "orders/#{#orderId}.lock", timeout = "10s")
 * public void process(String orderId) { ... }
 * }</pre>
 *
 * <p>
 * The lock is taken before the method runs and released when it returns or throws; for a
 * method returning {@code
 * CompletableFuture} or {@code CompletionStage} (or Reactor's {@code Mono} /
 * {@code Flux}) it is held until the returned value completes, in whatever thread that
 * happens. The advisor is ordered outside {@code @Transactional}, so the lock is taken
 * before a transaction begins and released after it ends. Every attribute is checked at
 * startup: an unparsable template or timeout, an unsupported mode, or skipping a method
 * with a primitive return type fail the application context.
 *
 * <p>
 * With {@link #holdAtLeast()}, the release waits until the minimum has passed since the
 * lock was taken, without holding up the caller.
 *
 * @since 0.1
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Reflective(FileLockedReflectiveProcessor.class)
public @interface FileLocked {

    /**
     * The lock file, relative to {@code filelock.directory}: a template where
     * {@code #{...}} is a SpEL expression over the call ({@code #orderId} or {@code #p0}
     * for arguments, {@code #root.methodName}, {@code #root.targetClass}, {@code @bean}
     * references) and {@code ${...}} a property placeholder. The result must stay inside
     * the directory, otherwise the call fails with {@link IllegalArgumentException} (a
     * constant path is checked at startup); so does a {@code #{...}} part that is null or
     * empty, since every such call would share one lock. A {@code #name} that is not a
     * parameter of the method fails at startup; names need classes compiled with
     * {@code -parameters}, otherwise use {@code #p0} or {@code #a0}.
     * @return the lock file template
     */
    String path();

    /**
     * How long to wait for the lock: {@code "10s"}, {@code "500ms"}, {@code "PT10S"},
     * {@code "0"} (one attempt) or {@code "-1"} (wait forever); a property placeholder is
     * allowed. Empty (the default) means {@code
     * filelock.default-timeout}.
     * @return the timeout
     */
    String timeout() default "";

    /**
     * The least time the lock stays held after it was taken, even if the method ends
     * sooner, so that a job run on the same schedule by several instances runs once per
     * tick ({@code @Scheduled} with {@code timeout = "0"} and {@link OnTimeout#SKIP}):
     * {@code "30s"}, {@code "900ms"}, {@code "PT30S"}; a property placeholder is allowed.
     * Empty (the default) or zero releases the lock when the method ends. The rest of the
     * minimum is kept by the library, not by the calling thread: the method returns at
     * once, it is kept when the method throws too, a later call in this JVM is excluded
     * as another process's would be (so such a method is not reentrant), and a library
     * thread releases the lock. On the file backend it is not kept across a crash (the
     * operating system frees a dead process's locks at once) nor past the application
     * context's shutdown, which releases it. On the jdbc backend the minimum is kept in
     * the lock's row, in database time, from the acquisition: it holds across a crash and
     * a shutdown too.
     * @return the minimum hold
     */
    String holdAtLeast() default "";

    /**
     * {@link LockMode#WRITE} (the default) holds the path's lock exclusively;
     * {@link LockMode#READ} shares it with other readers. On one path, WRITE excludes
     * READ and WRITE and READ shares with READ, in this and other processes; the protocol
     * is {@code filelock.type} ({@code flock LOCK_EX / LOCK_SH} by default). A READ
     * method called while its thread holds the path's WRITE lock runs under that write
     * lock; a WRITE method called while it holds only READ fails (a read lock cannot be
     * upgraded). Where there are no shared locks ({@code filelock.type=soft}, a {@code
     * filelock.backend} other than {@code file}), READ follows
     * {@code filelock.read-mode-fallback}.
     * @return the lock mode
     */
    LockMode mode() default LockMode.WRITE;

    /**
     * What to do when the lock is not acquired in time: {@link OnTimeout#THROW} (the
     * default) or {@link OnTimeout#SKIP}.
     * @return the timeout action
     */
    OnTimeout onTimeout() default OnTimeout.THROW;

    /**
     * What a {@link FileLocked} method does when its lock is not acquired in time; the
     * method is never called.
     */
    enum OnTimeout {

        /**
         * Throw {@link FileLockTimeoutException} (or return a future or publisher failed
         * with it, for asynchronous methods).
         */
        THROW,

        /**
         * Skip the call: return {@code null}, an empty {@code Optional}, a future
         * completed with {@code null}, or an empty {@code Mono} / {@code Flux}. Refused
         * at startup for methods returning a primitive.
         */
        SKIP

    }

}
