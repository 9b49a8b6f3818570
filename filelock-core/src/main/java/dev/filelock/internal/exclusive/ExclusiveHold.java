package dev.filelock.internal.exclusive;

import dev.filelock.LockHold;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * One level held by one owner; closing it releases that level once, from whichever thread
 * closes it.
 */
final class ExclusiveHold implements LockHold {

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(ExclusiveHold.class, "closed", boolean.class);
        }
        catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ExclusiveFileLock lock;

    private final Object owner;

    private final ExclusiveEntry entry;

    private final long tenure;

    /**
     * Set once by the first close (a field rather than an AtomicBoolean: a reentrant hold
     * allocates only itself).
     */
    private volatile boolean closed;

    ExclusiveHold(ExclusiveFileLock lock, Object owner, ExclusiveEntry entry) {
        this.lock = lock;
        this.owner = owner;
        this.entry = entry;
        this.tenure = entry.tenure();
    }

    @Override
    public Path path() {
        return lock.path();
    }

    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) {
            lock.releaseHold(owner, entry, tenure);
        }
    }

    @Override
    public String toString() {
        return "LockHold[" + lock.path() + (closed ? ", released]" : "]");
    }

}
