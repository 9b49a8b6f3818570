package dev.filelock;

import dev.filelock.internal.readwrite.CoordinatedReadWriteLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * A cross-process multi-reader / single-writer lock on one file, sharing Python's
 * {@code filelock.ReadWriteLock} protocol (an SQLite database file:
 * {@code BEGIN EXCLUSIVE} to write, {@code BEGIN} + {@code SELECT} to read), so Java and
 * Python processes can share one lock file.
 *
 * <p>
 * Within a JVM readers share one OS-level hold, a writer excludes everyone, waiting
 * writers hold back new readers, and each mode is reentrant; a read-to-write upgrade or
 * write-to-read downgrade fails at once with {@link IllegalStateException}. Its
 * {@link #readLock()} and {@link #writeLock()} behave like those of
 * {@link java.util.concurrent.locks.ReentrantReadWriteLock} (without conditions):
 * {@code unlock()} by a non-holder throws {@link IllegalMonitorStateException}, and
 * {@code lock()} waits as long as it takes (the default timeout and blocking options
 * apply to the {@code acquire} methods).
 *
 * <p>
 * The lock file stays empty and is never deleted; a missing parent directory is created
 * at the first acquisition. Lock objects on a path share one SQLite connection per JVM,
 * kept open between holds; at most 32 idle connections stay open in the JVM (the
 * longest-idle are closed and reopened at the next acquisition), so a lock object left
 * unclosed pins no descriptor. Never open the lock file with other I/O in the same JVM
 * while it is held: SQLite's POSIX locks belong to the process, and closing any
 * descriptor of the file drops them. For the same reason a {@link FileLock} and a
 * {@code ReadWriteFileLock} on one file (under any name) in one JVM refuse each other
 * with a {@link FileLockException} while the other keeps a descriptor or connection open
 * on it.
 *
 * <pre>{@code
 * try (ReadWriteFileLock lock = ReadWriteFileLock.of(Path.of("/var/cache/app/index.db"));
 *      LockHold hold = lock.acquireRead(Duration.ofSeconds(10))) {
 *     // shared with other readers, excluded from writers, in this and other processes
 * }
 * }</pre>
 *
 * @since 0.1
 */
public interface ReadWriteFileLock extends ReadWriteLock, AutoCloseable {

    /**
     * Returns an SQLite-backed read/write lock on the given path with default options
     * (wait forever, per-thread ownership); building it touches no file.
     * @param path the lock database file; created (with missing parents) if missing
     * @return the lock object
     * @throws IllegalArgumentException if the path is empty
     */
    static ReadWriteFileLock of(Path path) {
        return builder(path).build();
    }

    /**
     * Returns a builder for an SQLite-backed read/write lock on the given path.
     * @param path the lock database file
     * @return a builder with the default options
     * @throws IllegalArgumentException if the path is empty
     */
    static Builder builder(Path path) {
        return new Builder(path);
    }

    /**
     * Returns the lock file's path as given.
     * @return the lock path
     */
    Path path();

    /**
     * Acquires one read level, waiting up to the lock's default timeout.
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalStateException if the caller holds the write lock (downgrade), the
     * thread holds the write lock through another lock object on the path (it would wait
     * for itself), or the lock is closed
     * @throws FileLockException if the lock file cannot be used
     */
    LockHold acquireRead();

    /**
     * Acquires one read level, waiting up to the given timeout: negative waits forever,
     * zero makes one attempt.
     * @param timeout how long to wait
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalStateException if the caller holds the write lock (downgrade), the
     * thread holds the write lock through another lock object on the path (it would wait
     * for itself), or the lock is closed
     * @throws FileLockException if the lock file cannot be used
     */
    LockHold acquireRead(Duration timeout);

    /**
     * Makes one attempt to acquire a read level.
     * @return the hold, or empty if a writer holds or waits for the lock
     * @throws IllegalStateException if the caller holds the write lock or the lock is
     * closed
     * @throws FileLockException if the lock file cannot be used
     */
    Optional<LockHold> tryAcquireRead();

    /**
     * Acquires one write level, waiting up to the lock's default timeout.
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalStateException if the caller holds the read lock (upgrade), the
     * thread holds the path through another lock object (it would wait for itself), or
     * the lock is closed
     * @throws FileLockException if the lock file cannot be used
     */
    LockHold acquireWrite();

    /**
     * Acquires one write level, waiting up to the given timeout: negative waits forever,
     * zero makes one attempt.
     * @param timeout how long to wait
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalStateException if the caller holds the read lock (upgrade), the
     * thread holds the path through another lock object (it would wait for itself), or
     * the lock is closed
     * @throws FileLockException if the lock file cannot be used
     */
    LockHold acquireWrite(Duration timeout);

    /**
     * Makes one attempt to acquire a write level.
     * @return the hold, or empty if anyone else holds the lock
     * @throws IllegalStateException if the caller holds the read lock or the lock is
     * closed
     * @throws FileLockException if the lock file cannot be used
     */
    Optional<LockHold> tryAcquireWrite();

    /**
     * Acquires one read level without blocking the caller; cancelling the future abandons
     * the wait and never leaks a hold. The hold belongs to the returned {@link LockHold},
     * so any thread may close it.
     *
     * <p>
     * With {@link Ownership#THREAD} the hold is an owner of its own (it shares with every
     * reader); with {@link Ownership#SHARED} it is a level of the object's shared
     * counter. A free lock is taken at once on the caller's thread; otherwise the future
     * queues behind the pending futures of this lock (first come, first served) and one
     * of at most 32 library threads waits for it when its turn comes, so pending futures
     * cost no thread each; stages attached without an executor run on that thread.
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return a future completed with the hold, or exceptionally with
     * {@link FileLockTimeoutException}, {@link IllegalStateException} or
     * {@link FileLockException}
     */
    CompletableFuture<LockHold> acquireReadAsync(Duration timeout);

    /**
     * Acquires one write level without blocking the caller; cancelling the future
     * abandons the wait and never leaks a hold. The hold belongs to the returned
     * {@link LockHold}, so any thread may close it, such as the thread that completes the
     * work.
     *
     * <p>
     * With {@link Ownership#THREAD} the hold is an owner of its own that excludes every
     * thread, the caller included; with {@link Ownership#SHARED} it is a level of the
     * object's shared counter.
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return a future completed with the hold, or exceptionally with
     * {@link FileLockTimeoutException}, {@link IllegalStateException} or
     * {@link FileLockException}
     */
    CompletableFuture<LockHold> acquireWriteAsync(Duration timeout);

    /**
     * Releases one level held by the caller's owner, in whichever mode it holds;
     * releasing a lock the caller does not hold does nothing (unlike {@code unlock()} on
     * the {@link Lock} views).
     */
    void release();

    /**
     * Releases one level, or every level when {@code force} is true, held by the caller's
     * owner; releasing a lock the caller does not hold does nothing.
     * @param force whether to drop every level at once
     */
    void release(boolean force);

    /**
     * Returns the mode the caller's owner holds through this object.
     * @return the held mode, or empty when not held
     */
    Optional<LockMode> heldMode();

    /**
     * Returns how many levels the caller's owner holds through this object, in whichever
     * mode (Python's {@code
     * lock_counter}).
     * @return the hold count, zero when not held
     */
    int holdCount();

    /**
     * Releases every hold of this object (asynchronous ones included), ends its waits and
     * refuses new acquisitions with {@link IllegalStateException}; the connection is
     * closed once no lock object on the path uses it. Closing twice does nothing. Not
     * needed to bound descriptors (idle connections are bounded JVM-wide), but it frees
     * the path's bookkeeping at once rather than when the object is garbage-collected.
     */
    @Override
    void close();

    /**
     * Builder of SQLite-backed {@link ReadWriteFileLock}s; every option is described on
     * {@link ReadWriteFileLockBuilder}.
     */
    final class Builder extends ReadWriteFileLockBuilder<Builder, ReadWriteFileLock> {

        Builder(Path path) {
            super(path, FileLockBuilder.DEFAULT_POLL_INTERVAL);
        }

        @Override
        public ReadWriteFileLock build() {
            return CoordinatedReadWriteLock.ofSqlite(path, options());
        }

    }

}
