package dev.filelock;

import org.jspecify.annotations.Nullable;

/** The OS-level half of an exclusive lock: at most one hold per path per JVM, taken and dropped by the lock entry. */
interface LockBackend {

    /** Creates the backend for a lock key: flock (Windows: a byte-range lock) or a marker file. */
    static LockBackend create(LockKey key) {
        if (key.kind() == LockKind.SOFT) {
            return new MarkerBackend(key.canonicalPath());
        }
        return com.sun.jna.Platform.isWindows() ? new ChannelLockBackend(key.canonicalPath()) : new FlockBackend(key.canonicalPath());
    }

    /** One attempt without waiting: the hold, or {@code null} when another process has the lock. */
    @Nullable OsHold tryLock(LockRequest request);

    /** Whether {@link #lockBlocking()} can wait in the kernel; otherwise waiters poll {@link #tryLock()}. */
    boolean canBlock();

    /** Waits in the kernel until the lock is ours; not interruptible, so only the entry's waiter thread calls it. */
    OsHold lockBlocking(LockRequest request);

    /** Gives the OS-level lock back. */
    void unlock(OsHold hold);

    /** Whether an idle entry keeps something open worth reusing (a descriptor), so it is worth keeping the entry. */
    boolean hasReusableResources();

    /** Closes what the backend keeps open between holds. */
    void close();

    /** The OS-level lock of one holder. */
    interface OsHold {}
}
