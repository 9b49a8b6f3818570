package dev.filelock.internal.readwrite;

import org.jspecify.annotations.Nullable;

/**
 * Who holds levels of a read/write lock object: one thread ({@code Ownership.THREAD}),
 * every thread ({@link Ownership#SHARED}, no thread), or one asynchronous acquisition (a
 * token of its own, no thread).
 *
 * @param lock the lock object the levels were taken through
 * @param thread the owning thread, or null when the owner is not a thread
 * @param token identifies an asynchronous hold, or null
 */
record ReadWriteOwner(CoordinatedReadWriteLock lock, @Nullable Thread thread, @Nullable Object token) {

    static ReadWriteOwner ofThread(CoordinatedReadWriteLock lock) {
        return new ReadWriteOwner(lock, Thread.currentThread(), null);
    }

    static ReadWriteOwner shared(CoordinatedReadWriteLock lock) {
        return new ReadWriteOwner(lock, null, null);
    }

    static ReadWriteOwner ofAsyncHold(CoordinatedReadWriteLock lock) {
        return new ReadWriteOwner(lock, null, new Object());
    }

    /**
     * Tells whether the other owner is the same thread reaching the path through a
     * different lock object.
     */
    boolean isSameThreadElsewhere(ReadWriteOwner other) {
        return thread != null && thread == other.thread && lock != other.lock;
    }
}
