package dev.filelock.internal;

import org.jspecify.annotations.Nullable;

/**
 * The OS-level half of an exclusive lock: at most one hold per path per JVM, taken and
 * dropped by the lock entry.
 */
public interface ExclusiveBackend {

    /**
     * One attempt without waiting: the hold, or {@code null} when another process has the
     * lock.
     */
    @Nullable OsHold tryLock(ExclusiveRequest request);

    /**
     * Whether {@link #lockBlocking(LockRequest, KernelWaitGate)} can wait in the kernel;
     * otherwise waiters poll {@link #tryLock(LockRequest)}.
     */
    boolean canBlock();

    /**
     * Waits in the kernel until the lock is ours, or until the gate says that nobody
     * needs it any more; only the entry's kernel-waiter thread calls it.
     * @return the hold, or {@code null} when the gate closed (nothing is held or kept
     * open then)
     */
    @Nullable OsHold lockBlocking(ExclusiveRequest request, KernelWaitGate gate);

    /**
     * Waits in the kernel on the calling thread until the lock is ours, for a wait that
     * nothing may end ({@code lock()}); the entry calls it only while no other attempt or
     * kernel wait of the path runs, so the backend may use the descriptor it keeps
     * between holds.
     * @return the hold, or {@code null} if this backend cannot wait so
     */
    default @Nullable OsHold lockBlockingAlone(ExclusiveRequest request) {
        return null;
    }

    /** Gives the OS-level lock back. */
    void unlock(OsHold hold);

    /**
     * Gives back a surplus hold while another hold of this backend stays held: unlike
     * {@link #unlock}, it never touches what the backend keeps open for the next hold.
     * The default unlocks it.
     */
    default void discard(OsHold surplus) {
        unlock(surplus);
    }

    /**
     * Whether an idle entry keeps something open worth reusing (a descriptor), so it is
     * worth keeping the entry.
     */
    boolean hasReusableResources();

    /** Closes what the backend keeps open between holds. */
    void close();

    /**
     * How the entry stops a kernel wait that nobody needs any more: it interrupts the
     * blocking call (with a signal) only between {@link #enter} and {@link #left}, and
     * the backend asks again after every interruption.
     */
    interface KernelWaitGate {

        /**
         * Called before each blocking call: false when no thread waits any more, so the
         * wait must end.
         */
        boolean enter();

        /** Called after each blocking call returned, however it returned. */
        void left();

    }

    /** The OS-level lock of one holder. */
    interface OsHold {

    }

}
