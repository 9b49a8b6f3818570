package dev.filelock.internal;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One call to acquire: who asks, until when, and the asking lock object's path and
 * options (the entry is shared by every lock object on the path, so these travel with
 * each call).
 *
 * @param owner who will hold the level: a {@link ThreadOwner}, a lock object shared by
 * its threads, or an async hold
 * @param cancelCheck asked while waiting; {@code true} ends the wait
 * @param interruptible whether an interrupt ends the wait
 */
public record ExclusiveRequest(Object owner, Path path, LockOptions options, Deadline deadline, boolean blocking,
        @Nullable BooleanSupplier cancelCheck, boolean interruptible) {

    /**
     * The thread that would deadlock on itself by waiting forever, or {@code null} when a
     * wait cannot be a self-deadlock.
     */
    public @Nullable Thread selfDeadlockThread() {
        return owner instanceof ThreadOwner threadOwner && deadline.isForever() && blocking ? threadOwner.thread()
                : null;
    }

    public boolean cancelRequested() {
        return cancelCheck != null && cancelCheck.getAsBoolean();
    }

    /** The owner of per-thread holds: one thread through one lock object. */
    public record ThreadOwner(Object lock, Thread thread) {

        @Override
        public boolean equals(Object other) {
            return other instanceof ThreadOwner that && that.lock == lock && that.thread == thread;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(lock) * 31 + System.identityHashCode(thread);
        }
    }
}
