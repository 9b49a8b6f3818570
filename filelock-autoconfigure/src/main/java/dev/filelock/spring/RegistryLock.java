package dev.filelock.spring;

import dev.filelock.LockMode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import io.micrometer.observation.Observation;

/**
 * The {@link Lock} handed out by {@link FileLockRegistry}: per-thread reentrant, backed
 * by the core lock of its path. It holds no state of its own, so a handle kept after its
 * entry expired keeps working (it finds or recreates the entry), and all handles of a
 * path exclude each other through the core lock.
 */
final class RegistryLock implements Lock {

    private final FileLockRegistry registry;

    private final Path path;

    private final LockMode mode;

    RegistryLock(FileLockRegistry registry, Path path, LockMode mode) {
        this.registry = registry;
        this.path = path;
        this.mode = mode;
    }

    @Override
    public void lock() {
        try {
            acquire((lock) -> {
                lock.lock();
                return true;
            });
        }
        catch (InterruptedException impossible) {
            throw new IllegalStateException("lock() is not interruptible", impossible);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquire((lock) -> {
            lock.lockInterruptibly();
            return true;
        });
    }

    @Override
    public boolean tryLock() {
        try {
            return acquire(Lock::tryLock);
        }
        catch (InterruptedException impossible) {
            throw new IllegalStateException("tryLock() is not interruptible", impossible);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return acquire((lock) -> lock.tryLock(time, unit));
    }

    /**
     * Reserves the entry, takes the core lock observed, and settles the reservation and
     * the hold observation.
     */
    private boolean acquire(Attempt attempt) throws InterruptedException {
        RegistryEntry entry = this.registry.reserve(this.path, this.mode);
        LockObservations observations = this.registry.observations();
        Observation wait = observations.startAcquire(entry, this.mode);
        boolean locked = false;
        try {
            locked = attempt.run(entry.lockFor(this.mode));
        }
        catch (InterruptedException | RuntimeException | Error ex) {
            LockObservations.failed(wait, ex);
            entry.unreserve();
            throw ex;
        }
        if (!locked) {
            LockObservations.timedOut(wait);
            entry.unreserve();
            return false;
        }
        LockObservations.acquired(wait);
        entry.acquired();
        entry.threadHoldStarted(this.mode, observations);
        return true;
    }

    @FunctionalInterface
    private interface Attempt {

        boolean run(Lock lock) throws InterruptedException;

    }

    /**
     * Releases one level held by the calling thread.
     * @throws IllegalMonitorStateException if the calling thread does not hold this lock
     */
    @Override
    public void unlock() {
        RegistryEntry entry = this.registry.heldEntry(this.path);
        if (entry == null || !entry.isHeldByCaller(this.mode)) {
            throw new IllegalMonitorStateException(
                    "The current thread does not hold the " + describe() + ", so it cannot unlock it: call unlock() "
                            + "once per successful lock() or tryLock(), in the thread that took it (in a finally "
                            + "block); to release from another thread, take the lock with FileLockRegistry"
                            + ".acquireDetached and close the hold it returns (a lock force-released through the "
                            + "filelocks endpoint cannot be unlocked any more either)");
        }
        entry.lockFor(this.mode).unlock();
        entry.released();
        entry.threadLevelReleased(this.mode);
    }

    /**
     * Not supported: file locks have no conditions.
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("File locks do not support conditions: wait on a condition of an "
                + "in-JVM lock (a ReentrantLock) while holding the file lock instead");
    }

    @Override
    public String toString() {
        return "FileLockRegistry " + describe();
    }

    private String describe() {
        return ((this.mode == LockMode.READ) ? "read lock" : "lock") + " '" + this.path + "'";
    }

}
