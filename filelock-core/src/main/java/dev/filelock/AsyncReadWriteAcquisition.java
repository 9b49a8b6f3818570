package dev.filelock;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous acquisition waiting on a thread of its own (a waiting acquisition must block somewhere, and Java 17
 * has no virtual threads). Completing the future in any other way (cancel, timeout, completing it by hand) interrupts
 * the wait, and a hold that arrives after that is released at once, so none ever leaks.
 */
final class AsyncReadWriteAcquisition extends CompletableFuture<LockHold> {

    private final CoordinatedReadWriteLock lock;
    private final ReadWriteOwner owner;
    private final LockMode mode;
    private final Deadline deadline;
    private final Thread waiter;

    private AsyncReadWriteAcquisition(
            CoordinatedReadWriteLock lock, ReadWriteOwner owner, LockMode mode, Deadline deadline) {
        this.lock = lock;
        this.owner = owner;
        this.mode = mode;
        this.deadline = deadline;
        this.waiter = new Thread(this::await, "filelock-" + mode.name().toLowerCase(Locale.ROOT)
                + "-waiter " + lock.path());
        this.waiter.setDaemon(true);
    }

    static CompletableFuture<LockHold> start(
            CoordinatedReadWriteLock lock, ReadWriteOwner owner, LockMode mode, Deadline deadline) {
        AsyncReadWriteAcquisition acquisition = new AsyncReadWriteAcquisition(lock, owner, mode, deadline);
        acquisition.whenComplete((hold, failure) -> acquisition.stopWaiting());
        acquisition.waiter.start();
        return acquisition;
    }

    private void await() {
        try {
            LockHold hold = lock.acquire(owner, mode, deadline);
            if (!complete(hold)) {
                hold.close();
            }
        } catch (Throwable failure) {
            completeExceptionally(failure);
        }
    }

    private void stopWaiting() {
        if (Thread.currentThread() != waiter) {
            waiter.interrupt();
        }
    }
}
