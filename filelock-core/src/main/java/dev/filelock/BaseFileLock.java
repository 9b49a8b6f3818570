package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A lock object: a path, options and an ownership model, viewing the JVM-wide {@link LockEntry} of its canonical path.
 * It keeps no hold state of its own, so any number of lock objects on one path behave as one lock.
 */
abstract class BaseFileLock implements FileLock {

    private final Path path;
    private final LockKind kind;
    final LockOptions options;
    private volatile @Nullable LockKey key;
    /**
     * The entry while an owner holds it through this object (at most one owner can, the lock being exclusive): reentrant
     * acquires and releases use it directly instead of looking the path up in the table.
     */
    private volatile @Nullable LockEntry heldEntry;

    BaseFileLock(Path path, LockKind kind, LockOptions options) {
        this.path = path;
        this.kind = kind;
        this.options = options;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public LockHold acquire() {
        return acquire(options.timeout());
    }

    @Override
    public LockHold acquire(Duration timeout) {
        Object owner = currentOwner();
        boolean acquired;
        try {
            acquired = acquireFor(owner, Deadline.after(timeout), options.blocking(), options.cancelCheck(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FileLockInterruptedException(path, e);
        }
        if (!acquired) {
            throw new FileLockTimeoutException(path);
        }
        return new OwnerHold(this, owner);
    }

    @Override
    public Optional<LockHold> tryAcquire() {
        Object owner = currentOwner();
        return attemptOnce(owner) ? Optional.of(new OwnerHold(this, owner)) : Optional.empty();
    }

    @Override
    public CompletableFuture<LockHold> acquireAsync(Duration timeout) {
        Object owner = options.ownership() == Ownership.SHARED ? this : new AsyncOwner();
        Deadline deadline = Deadline.after(timeout);
        CompletableFuture<LockHold> future = new CompletableFuture<>();
        AtomicReference<@Nullable Thread> worker = new AtomicReference<>();
        future.whenComplete((hold, failure) -> {
            Thread waiting = worker.get();
            if (future.isCancelled() && waiting != null) {
                waiting.interrupt();
            }
        });
        LockThreads.ASYNC.execute(() -> {
            worker.set(Thread.currentThread());
            try {
                completeAsync(future, owner, deadline);
            } finally {
                worker.set(null);
                Thread.interrupted(); // a cancellation that raced with the end of the task must not leak to the pool
            }
        });
        return future;
    }

    private void completeAsync(CompletableFuture<LockHold> future, Object owner, Deadline deadline) {
        BooleanSupplier userCheck = options.cancelCheck();
        BooleanSupplier cancelled = userCheck == null ? future::isDone : () -> future.isDone() || userCheck.getAsBoolean();
        try {
            if (future.isDone() || !acquireFor(owner, deadline, options.blocking(), cancelled, true)) {
                future.completeExceptionally(new FileLockTimeoutException(path));
                return;
            }
        } catch (InterruptedException e) {
            future.completeExceptionally(new FileLockInterruptedException(path, e));
            return;
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return;
        }
        LockHold hold = new OwnerHold(this, owner);
        if (!future.complete(hold)) {
            hold.close(); // cancelled while we were acquiring: never leak the hold
        }
    }

    @Override
    public void release() {
        release(false);
    }

    @Override
    public void release(boolean force) {
        releaseFor(currentOwner(), force);
    }

    @Override
    public boolean isLocked() {
        return lockCounter() > 0;
    }

    @Override
    public int lockCounter() {
        LockEntry entry = heldEntry;
        if (entry == null) {
            return 0;
        }
        entry.mutex.lock();
        try {
            return entry.retired ? 0 : entry.holdsOf(currentOwner());
        } finally {
            entry.mutex.unlock();
        }
    }

    @Override
    public void lock() {
        try {
            acquireFor(currentOwner(), Deadline.forever(), true, null, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible wait was interrupted", impossible);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquireFor(currentOwner(), Deadline.forever(), true, null, true);
    }

    @Override
    public boolean tryLock() {
        return attemptOnce(currentOwner());
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return acquireFor(currentOwner(), Deadline.after(Duration.ofNanos(unit.toNanos(Math.max(0, time)))), true, null, true);
    }

    @Override
    public void unlock() {
        if (!releaseFor(currentOwner(), false)) {
            throw new IllegalMonitorStateException("The lock '" + path + "' is not held by "
                    + (options.ownership() == Ownership.THREAD ? "the current thread" : "this lock object"));
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("File locks have no conditions");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + "]";
    }

    private boolean attemptOnce(Object owner) {
        try {
            return acquireFor(owner, Deadline.after(Duration.ZERO), false, null, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a single attempt was interrupted", impossible);
        }
    }

    boolean acquireFor(Object owner, Deadline deadline, boolean blocking, @Nullable BooleanSupplier cancelCheck, boolean interruptible)
            throws InterruptedException {
        if (reenter(owner)) {
            return true;
        }
        LockEntry entry = LockTable.INSTANCE.checkout(key());
        boolean acquired = false;
        try {
            if (entry.reenter(owner)) {
                return true; // the owner's user count was taken on the first level
            }
            acquired = entry.acquire(new LockRequest(owner, path, options, deadline, blocking, cancelCheck, interruptible));
            if (acquired) {
                heldEntry = entry;
            }
            return acquired;
        } finally {
            if (acquired) {
                entry.mutex.unlock();
            } else {
                LockTable.INSTANCE.checkin(entry);
            }
        }
    }

    private boolean reenter(Object owner) {
        LockEntry entry = heldEntry;
        if (entry == null) {
            return false;
        }
        entry.mutex.lock();
        try {
            return !entry.retired && entry.reenter(owner);
        } finally {
            entry.mutex.unlock();
        }
    }

    /** Releases a level of the owner's hold; false when the owner holds nothing here. */
    boolean releaseFor(Object owner, boolean force) {
        LockEntry entry = heldEntry;
        if (entry == null) {
            return false;
        }
        entry.mutex.lock();
        boolean held = !entry.retired && entry.holdsOf(owner) > 0;
        boolean ended = held && entry.release(owner, force, path);
        if (ended) {
            heldEntry = null;
            LockTable.INSTANCE.checkin(entry);
        } else {
            entry.mutex.unlock();
        }
        return held;
    }

    private LockKey key() {
        LockKey lockKey = key;
        if (lockKey == null) {
            lockKey = new LockKey(LockPaths.canonical(path), kind);
            key = lockKey;
        }
        return lockKey;
    }

    private Object currentOwner() {
        return options.ownership() == Ownership.SHARED ? this : new ThreadOwner(this, Thread.currentThread());
    }

    /** The owner of one asynchronously acquired hold of a per-thread lock: the hold itself, not a thread. */
    private static final class AsyncOwner {}
}
