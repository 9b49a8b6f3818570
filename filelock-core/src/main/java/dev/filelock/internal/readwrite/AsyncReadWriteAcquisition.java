package dev.filelock.internal.readwrite;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.LockThreads;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous acquisition that waits on a thread of the library's async pool (a
 * waiting acquisition must block somewhere). Completing the future in any other way
 * (cancel, {@code orTimeout}, completing it by hand) interrupts the wait, and a hold that
 * arrives after that is released at once, so none ever leaks.
 */
final class AsyncReadWriteAcquisition extends CompletableFuture<LockHold> {

    private final CoordinatedReadWriteLock lock;

    private final ReadWriteOwner owner;

    private final LockMode mode;

    private final Deadline deadline;

    private @Nullable Thread waiter;

    private AsyncReadWriteAcquisition(CoordinatedReadWriteLock lock, ReadWriteOwner owner, LockMode mode,
            Deadline deadline) {
        this.lock = lock;
        this.owner = owner;
        this.mode = mode;
        this.deadline = deadline;
    }

    static CompletableFuture<LockHold> start(CoordinatedReadWriteLock lock, ReadWriteOwner owner, LockMode mode,
            Deadline deadline) {
        AsyncReadWriteAcquisition acquisition = new AsyncReadWriteAcquisition(lock, owner, mode, deadline);
        acquisition.whenComplete((hold, failure) -> acquisition.stopWaiting());
        LockThreads.ASYNC.execute(acquisition::await);
        return acquisition;
    }

    private void await() {
        if (!enter()) {
            return;
        }
        LockHold hold;
        try {
            hold = lock.acquire(owner, mode, deadline);
        }
        catch (Throwable failure) {
            leave();
            completeExceptionally(failure);
            return;
        }
        // Waiting is over before completing: completing runs the caller's stages on this
        // thread, and a cancel that
        // loses the race runs the remaining stages (stopWaiting among them) on its own
        // thread, which must not
        // interrupt them.
        leave();
        if (!complete(hold)) {
            hold.close();
        }
    }

    private synchronized boolean enter() {
        if (isDone()) {
            return false;
        }
        waiter = Thread.currentThread();
        return true;
    }

    private synchronized void leave() {
        waiter = null;
        // The pooled thread goes on to other work: an interrupt meant for this wait must
        // not reach it.
        Thread.interrupted();
    }

    private synchronized void stopWaiting() {
        if (waiter != null && waiter != Thread.currentThread()) {
            waiter.interrupt();
        }
    }

}
