package dev.filelock.internal.readwrite;

import dev.filelock.LockHold;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * One level of a read/write lock held by one owner; closing it from any thread releases
 * that level once.
 */
final class ReadWriteHold implements LockHold {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(ReadWriteHold.class, "released", boolean.class);
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final CoordinatedReadWriteLock lock;

    private final ReadWriteLevels levels;

    /**
     * Set once by the first close (a field rather than an AtomicBoolean: a nested hold
     * allocates only itself).
     */
    private volatile boolean released;

    ReadWriteHold(CoordinatedReadWriteLock lock, ReadWriteLevels levels) {
        this.lock = lock;
        this.levels = levels;
    }

    @Override
    public Path path() {
        return lock.path();
    }

    @Override
    public void close() {
        if (RELEASED.compareAndSet(this, false, true)) {
            // Already gone if the level was force-released or the lock object closed:
            // nothing to do then.
            lock.releaseLevel(levels);
        }
    }

    @Override
    public String toString() {
        return "LockHold[" + levels.mode + " " + lock.path() + (released ? ", released]" : "]");
    }

}
