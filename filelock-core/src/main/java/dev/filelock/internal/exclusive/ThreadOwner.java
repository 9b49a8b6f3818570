package dev.filelock.internal.exclusive;

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
