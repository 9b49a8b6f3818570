package dev.filelock;

/**
 * Who owns a hold on a lock object: the acquiring thread, or every thread sharing the
 * object.
 *
 * @since 0.1
 */
public enum Ownership {

    /**
     * Each thread owns its own holds, as with
     * {@link java.util.concurrent.locks.ReentrantLock} and Python's {@code
     * thread_local=True}: another thread acquiring the same object waits, and only the
     * owner may {@code unlock()}.
     */
    THREAD,

    /**
     * All threads share one hold counter on the object, as with Python's
     * {@code thread_local=False}: a second thread's acquire just increments the counter,
     * and any thread may release; needed when one thread acquires and another releases.
     */
    SHARED

}
