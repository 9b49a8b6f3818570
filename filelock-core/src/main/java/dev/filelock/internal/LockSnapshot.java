package dev.filelock.internal;

import dev.filelock.LockMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one entry of a lock table looked like at one moment, for diagnostics and timeout
 * messages; each engine builds it, and the public diagnostics convert it.
 *
 * @param canonicalPath the entry's canonical lock path
 * @param protocol the protocol in use (a native exclusive lock that fell back to a marker
 * file reports {@code soft})
 * @param readWrite whether the entry is a read/write lock's (otherwise an exclusive
 * lock's)
 * @param mode the mode a read/write lock is held in; {@code null} while it is not held
 * and for an exclusive lock
 * @param holders who holds it in this JVM, empty while it is only waited for
 * @param waitingThreads the names of the threads waiting for it
 */
public record LockSnapshot(Path canonicalPath, LockProtocol protocol, boolean readWrite, @Nullable LockMode mode,
        List<Holder> holders, List<String> waitingThreads) {

    /**
     * Copies the lists.
     * @param canonicalPath the canonical lock path
     * @param protocol the protocol in use
     * @param readWrite whether it is a read/write lock's entry
     * @param mode the held mode of a read/write lock, or {@code null}
     * @param holders the holders
     * @param waitingThreads the waiting threads' names
     */
    public LockSnapshot {
        holders = List.copyOf(holders);
        waitingThreads = List.copyOf(waitingThreads);
    }

    /**
     * One owner holding the entry.
     *
     * @param name the owning thread's name, or a description for holds no single thread
     * owns
     * @param holdCount how many levels it holds
     * @param since when its first level was taken, or {@code null} if unknown
     */
    public record Holder(String name, int holdCount, @Nullable Instant since) {
    }
}
