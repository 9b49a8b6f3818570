package dev.filelock;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** One level of a read/write lock held by one owner; closing it from any thread releases that level once. */
final class ReadWriteHold implements LockHold {

    private final CoordinatedReadWriteLock lock;
    private final ReadWriteOwner owner;
    private final LockMode mode;
    private final AtomicBoolean released = new AtomicBoolean();

    ReadWriteHold(CoordinatedReadWriteLock lock, ReadWriteOwner owner, LockMode mode) {
        this.lock = lock;
        this.owner = owner;
        this.mode = mode;
    }

    @Override
    public Path path() {
        return lock.path();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            // Already gone if the level was force-released or the lock object closed: nothing to do then.
            lock.releaseLevel(owner, mode);
        }
    }

    @Override
    public String toString() {
        return "LockHold[" + mode + " " + lock.path() + (released.get() ? ", released]" : "]");
    }
}
