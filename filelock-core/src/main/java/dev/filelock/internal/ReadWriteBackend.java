package dev.filelock.internal;

import dev.filelock.LockMode;
import java.nio.file.Path;

/**
 * The OS-level half of a read/write lock: one instance per canonical path and protocol in
 * a JVM, driven by a {@link ReadWriteEntry} that does all in-JVM bookkeeping (owners,
 * reentrancy, writer preference, handoff).
 *
 * <p>
 * The entry calls {@link #acquire} only while this JVM holds nothing on the path and from
 * one thread at a time, so an implementation keeps no per-thread state. Every in-JVM
 * reader shares the one shared hold taken by {@code
 * acquire(READ, ...)}; {@link #release} is called once the last in-JVM holder has left.
 */
public interface ReadWriteBackend {

    /**
     * Takes the OS-level hold in the given mode, retrying while other processes hold the
     * lock and pausing between attempts with {@link ReadWriteBackendWait#pause()} (which
     * also tells when to give up).
     * @param mode the mode to take: shared for {@link LockMode#READ}, exclusive for
     * {@link LockMode#WRITE}
     * @param wait paces the retries; a single-attempt wait refuses the first pause
     * @return true when held, false when the wait ended first (deadline, interrupt,
     * abandoned); nothing is held then
     * @throws FileLockException if the lock file cannot be used; nothing is held or left
     * open then
     */
    boolean acquire(LockMode mode, ReadWriteBackendWait wait);

    /**
     * Releases the hold taken by the last successful {@link #acquire}; if that fails,
     * drops it by other means (such as closing the file) rather than keep it.
     */
    void release();

    /**
     * Frees every resource (connection, descriptors, threads); called once, with nothing
     * held, when the entry goes.
     */
    void close();

    /**
     * Tells whether the backend keeps resources open while nothing is held (such as a
     * connection), which {@link #closeIdle()} would free.
     * @return false unless the backend keeps something open between holds
     */
    default boolean keepsIdleResources() {
        return false;
    }

    /**
     * Frees what the backend keeps open between holds; the next {@link #acquire} opens it
     * again. Called only with nothing held and no {@code acquire} running.
     */
    default void closeIdle() {
    }

    /**
     * Tells whether a new reader of this JVM may join the shared hold it already has, or
     * must wait until it is given back, because a writer of another process announced
     * that it waits (only a backend with such an announcement can tell). Called under the
     * entry's mutex, only while the shared hold is held and no {@code acquire} runs;
     * while it answers false, held-back readers ask again every poll interval (the writer
     * may give up or die).
     * @return true unless a writer of another process is known to wait
     */
    default boolean admitsNewReaders() {
        return true;
    }

    /**
     * Opens backends; building one must be cheap and must not fail: resources are taken
     * in {@code acquire}.
     */
    @FunctionalInterface
    interface Factory {

        /**
         * Creates the backend for one path.
         * @param canonicalPath the real path of the parent directory plus the file name;
         * the parent exists
         * @param path the path as the user gave it, for messages
         * @return the backend
         */
        ReadWriteBackend create(Path canonicalPath, Path path);

    }

}
