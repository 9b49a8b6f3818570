package dev.filelock.spring;

/**
 * Checks, inside a {@link FileLocked} method, that its lock is still held (ShedLock's
 * {@code LockAssert}).
 *
 * @since 0.1
 */
public final class FileLockAssert {

    private FileLockAssert() {
    }

    /**
     * Checks that a {@link FileLocked} method runs on the calling thread and that this
     * JVM still believes it holds its lock; a shorthand for
     * {@code FileLockContext.current().assertHeld()}.
     * @throws IllegalStateException if no {@link FileLocked} method runs on this thread
     * @throws FileLockLeaseLostException naming the key, if the lock's lease was lost
     */
    public static void assertHeld() {
        FileLockContext.current().assertHeld();
    }

}
