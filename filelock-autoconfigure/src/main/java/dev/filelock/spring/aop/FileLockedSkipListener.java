package dev.filelock.spring.aop;

import java.lang.reflect.Method;

/**
 * Told of every {@link dev.filelock.spring.FileLocked} call skipped because its lock was
 * not acquired in time ({@code
 * onTimeout = SKIP}), on the calling thread, before the skipped call returns; every bean
 * of this type in the application context is told, which is how the
 * {@code filelock.skipped} counter is kept.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface FileLockedSkipListener {

    /**
     * Called once per skipped call; it must not throw (a failure would reach the skipped
     * method's caller).
     * @param method the skipped method, as the bean class declares it
     * @param key the lock key the call evaluated to
     */
    void skipped(Method method, String key);

}
