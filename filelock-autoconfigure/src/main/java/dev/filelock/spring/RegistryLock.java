package dev.filelock.spring;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} handed out by {@link FileLockRegistry}: per-thread reentrant, backed by the core lock of its path.
 * It holds no state of its own, so a handle kept after its entry expired keeps working (it finds or recreates the
 * entry), and all handles of a path exclude each other through the core lock.
 */
final class RegistryLock implements Lock {

    private final FileLockRegistry registry;

    private final Path path;

    private final LockKind kind;

    RegistryLock(FileLockRegistry registry, Path path, LockKind kind) {
        this.registry = registry;
        this.path = path;
        this.kind = kind;
    }

    @Override
    public void lock() {
        RegistryEntry entry = this.registry.reserve(this.path, this.kind);
        boolean locked = false;
        try {
            entry.lockFor(this.kind).lock();
            locked = true;
        }
        finally {
            settle(entry, locked);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        RegistryEntry entry = this.registry.reserve(this.path, this.kind);
        boolean locked = false;
        try {
            entry.lockFor(this.kind).lockInterruptibly();
            locked = true;
        }
        finally {
            settle(entry, locked);
        }
    }

    @Override
    public boolean tryLock() {
        RegistryEntry entry = this.registry.reserve(this.path, this.kind);
        boolean locked = false;
        try {
            locked = entry.lockFor(this.kind).tryLock();
            return locked;
        }
        finally {
            settle(entry, locked);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        RegistryEntry entry = this.registry.reserve(this.path, this.kind);
        boolean locked = false;
        try {
            locked = entry.lockFor(this.kind).tryLock(time, unit);
            return locked;
        }
        finally {
            settle(entry, locked);
        }
    }

    /**
     * Releases one level held by the calling thread.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold this lock
     */
    @Override
    public void unlock() {
        RegistryEntry entry = this.registry.heldEntry(this.path);
        if (entry == null || !entry.isHeldByCaller(this.kind)) {
            throw new IllegalMonitorStateException(
                    "The current thread does not hold the " + describe() + " so it cannot unlock it");
        }
        entry.lockFor(this.kind).unlock();
        entry.released();
    }

    /**
     * Not supported: file locks have no conditions.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("File locks do not support conditions");
    }

    @Override
    public String toString() {
        return "FileLockRegistry " + describe();
    }

    private String describe() {
        String what = switch (this.kind) {
            case EXCLUSIVE -> "lock";
            case READ -> "read lock";
            case WRITE -> "write lock";
        };
        return what + " '" + this.path + "'";
    }

    private static void settle(RegistryEntry entry, boolean locked) {
        if (locked) {
            entry.acquired();
        }
        else {
            entry.unreserve();
        }
    }
}
