package dev.filelock.internal.exclusive;

import dev.filelock.FileLock;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.Ownership;
import dev.filelock.SoftFileLock;
import dev.filelock.internal.AsyncWaits;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.ExclusiveRequest.ThreadOwner;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockPaths;
import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.diagnostics.TimeoutMessage;
import dev.filelock.internal.soft.StaleMarkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A lock object: a path, options and an ownership model, viewing the JVM-wide
 * {@link ExclusiveEntry} of its canonical path. It keeps no hold state of its own, so any
 * number of lock objects on one path behave as one lock.
 */
public class ExclusiveFileLock implements FileLock {

    private final Path path;

    private final LockProtocol protocol;

    final LockOptions options;

    private volatile ExclusiveTable.@Nullable Key key;

    /**
     * The entry while an owner holds it through this object (at most one owner can, the
     * lock being exclusive): reentrant acquires and releases use it directly instead of
     * looking the path up in the table.
     */
    private volatile @Nullable ExclusiveEntry heldEntry;

    private ExclusiveFileLock(Path path, LockProtocol protocol, LockOptions options) {
        this.path = path;
        this.protocol = protocol;
        this.options = options;
    }

    /**
     * Creates a native lock object: {@code flock(2)} (Windows: {@code LockFileEx} on byte
     * 0).
     * @param path the lock path as given, already validated
     * @param options the builder's options
     * @return the lock object; creating it touches no file
     */
    public static FileLock ofNative(Path path, LockOptions options) {
        return new ExclusiveFileLock(path, LockProtocol.NATIVE, options);
    }

    /**
     * Creates a soft lock object: a marker file created exclusively.
     * @param path the lock path as given, already validated
     * @param options the builder's options
     * @return the lock object; creating it touches no file
     */
    public static SoftFileLock ofSoft(Path path, LockOptions options) {
        return new Soft(path, options);
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
        Objects.requireNonNull(timeout, "timeout");
        Object holder = reenterAsCaller();
        if (holder != null) {
            return newHold(holder);
        }
        Object owner = currentOwner();
        boolean acquired;
        Deadline deadline = Deadline.after(timeout);
        try {
            acquired = acquireFor(owner, deadline, options.blocking(), options.cancelCheck(), true);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FileLockInterruptedException(path, e);
        }
        if (!acquired) {
            throw TimeoutMessage.timeout(path, LockMode.WRITE, deadline, options.blocking());
        }
        return newHold(owner);
    }

    @Override
    public Optional<LockHold> tryAcquire() {
        Object holder = reenterAsCaller();
        if (holder != null) {
            return Optional.of(newHold(holder));
        }
        Object owner = currentOwner();
        return attemptOnce(owner) ? Optional.of(newHold(owner)) : Optional.empty();
    }

    /**
     * Tries the lock on the caller's thread unless futures of this path wait (a shared
     * owner that holds it re-enters at once, as a synchronous acquire would), and
     * otherwise queues the future in {@link AsyncWaits}, which waits for it without a
     * thread of its own.
     */
    @Override
    public CompletableFuture<LockHold> acquireAsync(Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        Object owner = options.ownership() == Ownership.SHARED ? this : new AsyncOwner();
        ExclusiveTable.Key lockKey;
        try {
            if (owner == this && reenter(owner)) {
                return CompletableFuture.completedFuture(newHold(owner));
            }
            lockKey = key();
            if (!AsyncWaits.hasPending(lockKey) && attemptOnce(owner)) {
                return CompletableFuture.completedFuture(newHold(owner));
            }
        }
        catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!options.blocking() || deadline.isExpired()) {
            return CompletableFuture.failedFuture(timeoutOf(deadline));
        }
        BooleanSupplier userCheck = options.cancelCheck();
        return AsyncWaits.enqueue(lockKey, deadline,
                until -> acquireFor(owner, until, true, userCheck, true) ? newHold(owner) : null, userCheck,
                () -> timeoutOf(deadline), LockHold::close);
    }

    private RuntimeException timeoutOf(Deadline deadline) {
        return TimeoutMessage.timeout(path, LockMode.WRITE, deadline, options.blocking());
    }

    @Override
    public void release() {
        release(false);
    }

    @Override
    public void release(boolean force) {
        releaseAsCaller(force);
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return holdCount() > 0;
    }

    @Override
    public int holdCount() {
        ExclusiveEntry entry = heldEntry;
        if (entry == null) {
            return 0;
        }
        entry.mutex.lock();
        try {
            Object holder = entry.owner();
            return entry.retired || holder == null || !isCaller(holder) ? 0 : entry.holdsOf(holder);
        }
        finally {
            entry.mutex.unlock();
        }
    }

    @Override
    public void lock() {
        if (reenterAsCaller() != null) {
            return;
        }
        try {
            acquireFor(currentOwner(), Deadline.forever(), true, null, false);
        }
        catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible wait was interrupted", impossible);
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (reenterAsCaller() == null) {
            acquireFor(currentOwner(), Deadline.forever(), true, null, true);
        }
    }

    @Override
    public boolean tryLock() {
        return reenterAsCaller() != null || attemptOnce(currentOwner());
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Duration timeout = Duration.ofNanos(unit.toNanos(Math.max(0, time)));
        return reenterAsCaller() != null || acquireFor(currentOwner(), Deadline.after(timeout), true, null, true);
    }

    @Override
    public void unlock() {
        if (!releaseAsCaller(false)) {
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
        return (protocol == LockProtocol.SOFT ? "SoftFileLock" : "FileLock") + "[" + path + "]";
    }

    private boolean attemptOnce(Object owner) {
        try {
            return acquireFor(owner, Deadline.after(Duration.ZERO), false, null, false);
        }
        catch (InterruptedException impossible) {
            throw new AssertionError("a single attempt was interrupted", impossible);
        }
    }

    boolean acquireFor(Object owner, Deadline deadline, boolean blocking, @Nullable BooleanSupplier cancelCheck,
            boolean interruptible) throws InterruptedException {
        if (reenter(owner)) {
            return true;
        }
        ExclusiveEntry entry = ExclusiveTable.INSTANCE.checkout(key());
        boolean acquired = false;
        try {
            if (entry.reenter(owner)) {
                return true; // the owner's user count was taken on the first level
            }
            acquired = entry
                .acquire(new ExclusiveRequest(owner, path, options, deadline, blocking, cancelCheck, interruptible));
            if (acquired) {
                heldEntry = entry;
            }
            return acquired;
        }
        finally {
            if (acquired) {
                entry.mutex.unlock();
            }
            else {
                ExclusiveTable.INSTANCE.checkin(entry);
            }
        }
    }

    /**
     * Adds a level when the caller (this thread, or anyone for a shared lock object)
     * holds the lock through this object: only the held entry's mutex, no owner object,
     * no deadline, no table.
     * @return the owner that holds the lock, or null when the caller must take the
     * general path
     */
    private @Nullable Object reenterAsCaller() {
        ExclusiveEntry entry = heldEntry;
        if (entry == null) {
            return null;
        }
        entry.mutex.lock();
        try {
            Object holder = entry.owner();
            if (entry.retired || holder == null || !isCaller(holder)) {
                return null;
            }
            entry.addLevel();
            return holder;
        }
        finally {
            entry.mutex.unlock();
        }
    }

    private boolean reenter(Object owner) {
        ExclusiveEntry entry = heldEntry;
        if (entry == null) {
            return false;
        }
        entry.mutex.lock();
        try {
            return !entry.retired && entry.reenter(owner);
        }
        finally {
            entry.mutex.unlock();
        }
    }

    /**
     * A hold of the level just taken by the owner, which holds the lock through this
     * object.
     */
    private LockHold newHold(Object owner) {
        ExclusiveEntry entry = heldEntry;
        if (entry == null) {
            throw new IllegalStateException("The lock '" + path + "' was released before its hold was handed out");
        }
        return new ExclusiveHold(this, owner, entry);
    }

    /**
     * Releases a level of a hold, unless the ownership it was taken in has ended
     * meanwhile (a forced release).
     */
    void releaseHold(Object owner, ExclusiveEntry holdEntry, long tenure) {
        ExclusiveEntry entry = heldEntry;
        if (entry != holdEntry) {
            return;
        }
        entry.mutex.lock();
        boolean current = !entry.retired && entry.tenure() == tenure && entry.holdsOf(owner) > 0;
        release(entry, current ? owner : null, false);
    }

    /**
     * Releases a level of the caller's hold (see {@link #reenterAsCaller}); false when
     * the caller holds nothing here.
     */
    private boolean releaseAsCaller(boolean force) {
        ExclusiveEntry entry = heldEntry;
        if (entry == null) {
            return false;
        }
        entry.mutex.lock();
        Object holder = entry.owner();
        return release(entry, !entry.retired && holder != null && isCaller(holder) ? holder : null, force);
    }

    /**
     * Releases a level of the holder's hold, if any, and unlocks the entry's mutex (which
     * the caller locked).
     */
    private boolean release(ExclusiveEntry entry, @Nullable Object holder, boolean force) {
        boolean ended = holder != null && entry.release(holder, force, path);
        if (ended) {
            heldEntry = null;
            ExclusiveTable.INSTANCE.checkin(entry);
        }
        else {
            entry.mutex.unlock();
        }
        return holder != null;
    }

    private ExclusiveTable.Key key() {
        ExclusiveTable.Key lockKey = key;
        if (lockKey == null) {
            lockKey = new ExclusiveTable.Key(LockPaths.canonical(path), protocol);
            key = lockKey;
        }
        return lockKey;
    }

    private Object currentOwner() {
        return options.ownership() == Ownership.SHARED ? this : new ThreadOwner(this, Thread.currentThread());
    }

    /**
     * Whether the owner is the one {@link #currentOwner()} would return now, without
     * creating that.
     */
    private boolean isCaller(Object owner) {
        return options.ownership() == Ownership.SHARED ? owner == this : owner instanceof ThreadOwner threadOwner
                && threadOwner.lock() == this && threadOwner.thread() == Thread.currentThread();
    }

    /**
     * The owner of one asynchronously acquired hold of a per-thread lock: the hold
     * itself, not a thread.
     */
    private static final class AsyncOwner {

    }

    /** The soft exclusive lock, which can tell the holder its marker file records. */
    private static final class Soft extends ExclusiveFileLock implements SoftFileLock {

        Soft(Path path, LockOptions options) {
            super(path, LockProtocol.SOFT, options);
        }

        @Override
        public Optional<LockOwner> owner() {
            return new StaleMarkers(path(), LockPaths.canonical(path())).read()
                .map(record -> new RecordedOwner(record.pid(), record.hostname(), record.isCurrentProcess()));
        }

    }

    private record RecordedOwner(long pid, String hostname,
            boolean isCurrentProcess) implements SoftFileLock.LockOwner {
    }

}
