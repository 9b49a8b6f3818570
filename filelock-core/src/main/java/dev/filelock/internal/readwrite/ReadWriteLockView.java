package dev.filelock.internal.readwrite;

import dev.filelock.LockMode;
import dev.filelock.Ownership;
import dev.filelock.internal.Deadline;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} face of one mode of a read/write lock object, behaving like
 * {@link java.util.concurrent.locks.ReentrantReadWriteLock}'s: reentrant per owner,
 * {@link IllegalMonitorStateException} on an unlock by a non-holder, no conditions. As
 * {@link Lock} specifies (and as {@code FileLock} does), {@link #lock()} and
 * {@link #lockInterruptibly()} wait as long as it takes and
 * {@link #tryLock(long, TimeUnit)} as long as it is told, whatever the lock object's
 * default timeout and blocking options.
 */
final class ReadWriteLockView implements Lock {

    private final CoordinatedReadWriteLock lock;

    private final LockMode mode;

    ReadWriteLockView(CoordinatedReadWriteLock lock, LockMode mode) {
        this.lock = lock;
        this.mode = mode;
    }

    @Override
    public void lock() {
        if (lock.reenterAsCaller(mode) != null) {
            return;
        }
        Deadline deadline = Deadline.forever();
        ReadWriteOwner owner = lock.callerOwner();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    lock.acquireLevel(owner, mode, deadline);
                    return;
                }
                catch (InterruptedException e) {
                    // lock() ignores interrupts, as Lock specifies; the status is
                    // restored on the way out.
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (lock.reenterAsCaller(mode) == null) {
            lock.acquireLevel(lock.callerOwner(), mode, Deadline.forever());
        }
    }

    @Override
    public boolean tryLock() {
        if (lock.reenterAsCaller(mode) != null) {
            return true;
        }
        try {
            return lock.acquireLevel(lock.callerOwner(), mode, Deadline.after(Duration.ZERO));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = Math.max(unit.toNanos(time), 0);
        if (lock.reenterAsCaller(mode) != null) {
            return true;
        }
        return lock.acquireLevel(lock.callerOwner(), mode, Deadline.after(Duration.ofNanos(nanos)));
    }

    @Override
    public void unlock() {
        if (!lock.releaseLevelAsCaller(mode)) {
            throw new IllegalMonitorStateException("The " + mode.name().toLowerCase(Locale.ROOT) + " lock on '"
                    + lock.path() + "' is not held by " + describeCaller());
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("File locks have no conditions.");
    }

    private String describeCaller() {
        return lock.options().ownership() == Ownership.SHARED ? "this lock object."
                : "the current thread (" + Thread.currentThread().getName() + ").";
    }

}
