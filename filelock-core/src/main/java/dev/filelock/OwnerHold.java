package dev.filelock;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** One level held by one owner; closing it releases that level once, from whichever thread closes it. */
final class OwnerHold implements LockHold {

    private final BaseFileLock lock;
    private final Object owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    OwnerHold(BaseFileLock lock, Object owner) {
        this.lock = lock;
        this.owner = owner;
    }

    @Override
    public Path path() {
        return lock.path();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            lock.releaseFor(owner, false);
        }
    }

    @Override
    public String toString() {
        return "LockHold[" + lock.path() + (closed.get() ? ", released]" : "]");
    }
}
