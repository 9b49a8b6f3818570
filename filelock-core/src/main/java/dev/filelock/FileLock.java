package dev.filelock;

import dev.filelock.internal.exclusive.ExclusiveFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant, cross-process exclusive lock on one file: {@code flock(2)} on Linux and
 * macOS, so it excludes Python's {@code filelock.FileLock}, {@code flock(1)} and every
 * other {@code flock} user.
 *
 * <p>
 * All lock objects on one canonical path in a JVM share one entry, so they exclude each
 * other as separate processes would, and waiting threads are woken in memory. A release
 * passes the lock to a thread of this JVM waiting for it without unlocking it in the
 * kernel, for at most 500 ms of continuous hold by the JVM; the release after that
 * unlocks it, and for 75 ms no thread of this JVM takes it (a {@link #tryLock()} then
 * returns false), so a waiter in another process, blocked or polling every 50 ms like
 * Python's filelock, gets its turn. The lock file is created if missing (with missing
 * parent directories) and kept after release; it never holds data. A file this JVM uses
 * as a {@link ReadWriteFileLock} (under any name, hard links included) is refused with a
 * {@link FileLockException}, and so is the converse, as long as the other kind keeps a
 * descriptor or connection open on it (also idle, between holds): closing a {@code flock}
 * descriptor would drop SQLite's POSIX locks. Use one lock kind per file.
 *
 * <pre>{@code
 * FileLock lock = FileLock.of(Path.of("/var/cache/app/model.lock"));
 * try (LockHold hold = lock.acquire(Duration.ofSeconds(10))) {
 *     // exclusive across threads and processes
 * }
 * }</pre>
 *
 * @since 0.1
 */
public interface FileLock extends Lock {

    /**
     * Returns a native lock on the given path with default options (wait forever,
     * per-thread ownership).
     * @param path the lock file; need not exist yet
     * @return the lock object; building it touches no file
     * @throws IllegalArgumentException if the path is empty
     */
    static FileLock of(Path path) {
        return builder(path).build();
    }

    /**
     * Returns a builder for a native lock on the given path.
     * @param path the lock file; need not exist yet
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
     * Acquires one level of the lock, waiting up to the lock's default timeout.
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * (its interrupt status is set)
     * @throws FileLockException if the lock file cannot be used (the message names the
     * path and the reason)
     * @throws IllegalStateException if this thread already holds the path through another
     * lock object and would wait forever for itself
     */
    LockHold acquire();

    /**
     * Acquires one level of the lock, waiting up to the given timeout: negative waits
     * forever, zero makes one attempt.
     * @param timeout how long to wait
     * @return the hold, which releases that level when closed
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * (its interrupt status is set)
     * @throws FileLockException if the lock file cannot be used (the message names the
     * path and the reason)
     * @throws IllegalStateException if this thread already holds the path through another
     * lock object and would wait forever for itself
     */
    LockHold acquire(Duration timeout);

    /**
     * Makes exactly one attempt to acquire one level of the lock.
     * @return the hold, or empty if another holder has the lock
     * @throws FileLockException if the lock file cannot be used
     */
    Optional<LockHold> tryAcquire();

    /**
     * Acquires one level of the lock without blocking the caller (Python's
     * {@code AsyncFileLock}); cancelling the future abandons the wait and never leaks a
     * hold.
     *
     * <p>
     * The hold belongs to the returned {@link LockHold}, not to a thread, so any thread
     * may close it. With {@link Ownership#SHARED} it is a level of the object's shared
     * counter; with {@link Ownership#THREAD} it is a holder of its own that excludes
     * every thread, the caller included.
     *
     * <p>
     * A free lock is taken at once on the caller's thread. Otherwise the future queues
     * behind the pending futures of this lock's path (first come, first served) and one
     * of at most 32 library threads waits for it when its turn comes, so pending futures
     * cost no thread each; stages attached without an executor run on that thread, so
     * give long work an executor. A future whose timeout passes while it is queued
     * completes with {@link FileLockTimeoutException} at once.
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return a future completed with the hold, or exceptionally with
     * {@link FileLockTimeoutException} or {@link FileLockException}
     */
    CompletableFuture<LockHold> acquireAsync(Duration timeout);

    /**
     * Releases one level held by the caller's owner; releasing a lock the caller does not
     * hold does nothing.
     */
    void release();

    /**
     * Releases one level, or every level when {@code force} is true; releasing a lock the
     * caller does not hold does nothing.
     * @param force whether to drop every level at once
     */
    void release(boolean force);

    /**
     * Tells whether the current thread holds this lock object, like
     * {@link java.util.concurrent.locks.ReentrantLock#isHeldByCurrentThread()}: with
     * {@link Ownership#SHARED} every thread holds what any thread took, so it is true on
     * every thread. Python names this {@code is_locked}, which this API does not use
     * because {@code ReentrantLock.isLocked()} means "held by anyone"; whether another
     * process holds the file is told by {@link FileLockDiagnostics#probe(Path)}. A hold
     * taken by {@link #acquireAsync} under {@link Ownership#THREAD} belongs to its
     * {@link LockHold}, not to a thread, and does not count.
     * @return whether the current thread's owner holds at least one level through this
     * object
     */
    boolean isHeldByCurrentThread();

    /**
     * Returns how many levels the current thread's owner holds through this object
     * (Python's {@code lock_counter}), like
     * {@link java.util.concurrent.locks.ReentrantLock#getHoldCount()}.
     * @return the hold count, zero when not held
     */
    int holdCount();

    /**
     * Not supported: file locks have no conditions.
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    Condition newCondition();

    /**
     * Builder of native {@link FileLock}s; every option is described on
     * {@link FileLockBuilder}.
     */
    final class Builder extends FileLockBuilder<Builder, FileLock> {

        Builder(Path path) {
            super(path);
        }

        @Override
        public FileLock build() {
            return ExclusiveFileLock.ofNative(path, options(null));
        }

    }

}
