package dev.filelock.internal.readwrite;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.internal.AsyncWaits;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.diagnostics.TimeoutMessage;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous read/write acquisition that could not be served on the caller's thread:
 * it queues behind the pending futures of its lock in {@link AsyncWaits}, whose pumps
 * wait for it with the synchronous acquire. Completing the future in any other way
 * (cancel, {@code orTimeout}, completing it by hand) ends the wait, and a hold that
 * arrives after that is released at once, so none ever leaks.
 */
final class AsyncReadWriteAcquisition {

    private AsyncReadWriteAcquisition() {
    }

    static CompletableFuture<LockHold> start(CoordinatedReadWriteLock lock, ReadWriteTable.Key key,
            ReadWriteOwner owner, LockMode mode, Deadline deadline) {
        return AsyncWaits.enqueue(key, deadline, until -> lock.acquireUntil(owner, mode, until), null,
                () -> TimeoutMessage.timeout(lock.path(), mode, deadline, true), LockHold::close);
    }

}
