package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.observation.Observation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * One canonical path in a {@link FileLockRegistry}: its core lock object and how many
 * callers are using it, so that an entry in use (held, or being acquired) is never
 * expired. The core lock is the registry's one protocol for every path: a
 * {@link ReadWriteFileLock} (both modes), or a {@link FileLock} for protocols without a
 * shared mode, whose {@link LockMode#READ} is the same exclusive lock when the registry
 * allows it.
 */
final class RegistryEntry {

    private static final int RETIRED = -1;

    final String key;

    final Path path;

    private final @Nullable FileLock exclusive;

    private final @Nullable ReadWriteFileLock readWrite;

    /** The write side, which {@link FileLockRegistry#obtain(Object)} hands out. */
    final Lock lockHandle;

    final ReadWriteLock readWriteHandle;

    /**
     * Acquisitions in progress plus levels held; {@link #RETIRED} once expired, after
     * which nobody may use it.
     */
    private final AtomicInteger users = new AtomicInteger();

    private final AtomicInteger holds = new AtomicInteger();

    private volatile long lastUsedNanos = System.nanoTime();

    /**
     * The hold observations of threads holding through the {@link Lock} API, ended when
     * their last level goes.
     */
    private final Map<Thread, Observation> threadHolds = new ConcurrentHashMap<>();

    private RegistryEntry(FileLockRegistry registry, String key, Path path, @Nullable FileLock exclusive,
            @Nullable ReadWriteFileLock readWrite) {
        this.key = key;
        this.path = path;
        this.exclusive = exclusive;
        this.readWrite = readWrite;
        this.lockHandle = new RegistryLock(registry, path, LockMode.WRITE);
        this.readWriteHandle = new RegistryReadWriteLock(new RegistryLock(registry, path, LockMode.READ),
                this.lockHandle);
    }

    static RegistryEntry exclusive(FileLockRegistry registry, String key, Path path, FileLock lock) {
        return new RegistryEntry(registry, key, path, lock, null);
    }

    static RegistryEntry readWrite(FileLockRegistry registry, String key, Path path, ReadWriteFileLock lock) {
        return new RegistryEntry(registry, key, path, null, lock);
    }

    /**
     * The core lock object: a {@link ReadWriteFileLock}, or a {@link FileLock} for
     * exclusive-only protocols.
     */
    Object coreLock() {
        return (this.readWrite != null) ? this.readWrite : Objects.requireNonNull(this.exclusive);
    }

    int holdCount() {
        return this.holds.get();
    }

    /**
     * Returns the mode to take for the calling thread: a read nested in this thread's
     * write hold takes one more write level (the write lock covers reading, as
     * {@link java.util.concurrent.locks.ReentrantReadWriteLock} lets a writer read); a
     * write nested in its read hold is refused, naming the fix, since it could never be
     * granted.
     */
    LockMode modeForCaller(LockMode wanted) {
        if (this.readWrite == null) {
            return wanted;
        }
        LockMode held = this.readWrite.heldMode().orElse(null);
        if (held == LockMode.WRITE) {
            return LockMode.WRITE;
        }
        if (held == LockMode.READ && wanted == LockMode.WRITE) {
            throw new IllegalStateException("Cannot take the WRITE lock of '" + this.key + "': this thread holds its "
                    + "READ lock, and a read lock cannot be upgraded (two readers upgrading would wait for each other "
                    + "for ever). Take WRITE from the start: for nested @FileLocked methods on one path, remove "
                    + "mode = READ from the outer method; with the Lock API, unlock the read lock first");
        }
        return wanted;
    }

    void touch() {
        this.lastUsedNanos = System.nanoTime();
    }

    /** Registers one more user, unless the entry has been retired. */
    boolean reserve() {
        while (true) {
            int current = this.users.get();
            if (current == RETIRED) {
                return false;
            }
            if (this.users.compareAndSet(current, current + 1)) {
                touch();
                return true;
            }
        }
    }

    /** Gives back a reservation whose acquisition failed. */
    void unreserve() {
        this.users.decrementAndGet();
        touch();
    }

    void acquired() {
        this.holds.incrementAndGet();
    }

    void released() {
        this.holds.decrementAndGet();
        this.users.decrementAndGet();
        touch();
    }

    boolean isRetired() {
        return this.users.get() == RETIRED;
    }

    /** Retires the entry if nobody uses it and it was last used before the cutoff. */
    boolean retireIfUnusedSince(long cutoffNanos) {
        return this.lastUsedNanos - cutoffNanos < 0 && this.users.compareAndSet(0, RETIRED);
    }

    /** Retires the entry if nobody uses it, whenever it was last used. */
    boolean retireIfUnused() {
        return this.users.compareAndSet(0, RETIRED);
    }

    /**
     * Releases the resources of a retired entry (such as the SQLite lock's database
     * connection).
     */
    void close() {
        if (this.readWrite != null) {
            this.readWrite.close();
        }
    }

    Lock lockFor(LockMode mode) {
        if (this.readWrite == null) {
            return Objects.requireNonNull(this.exclusive);
        }
        return (mode == LockMode.READ) ? this.readWrite.readLock() : this.readWrite.writeLock();
    }

    boolean isHeldByCaller(LockMode mode) {
        if (this.readWrite == null) {
            return Objects.requireNonNull(this.exclusive).isHeldByCurrentThread();
        }
        return this.readWrite.heldMode().filter(mode::equals).isPresent();
    }

    LockHold acquire(LockMode mode, Duration timeout) {
        if (this.readWrite == null) {
            return Objects.requireNonNull(this.exclusive).acquire(timeout);
        }
        return (mode == LockMode.READ) ? this.readWrite.acquireRead(timeout) : this.readWrite.acquireWrite(timeout);
    }

    CompletableFuture<LockHold> acquireAsync(LockMode mode, Duration timeout) {
        if (this.readWrite == null) {
            return Objects.requireNonNull(this.exclusive).acquireAsync(timeout);
        }
        return (mode == LockMode.READ) ? this.readWrite.acquireReadAsync(timeout)
                : this.readWrite.acquireWriteAsync(timeout);
    }

    /**
     * Wraps a core hold so that closing it also gives back this entry's reservation and
     * ends its observation, once.
     */
    LockHold track(LockHold hold, Observation held) {
        acquired();
        return new TrackedHold(hold, this, held);
    }

    /**
     * Starts the hold observation of a thread's first level through the {@link Lock} API.
     */
    void threadHoldStarted(LockMode mode, LockObservations observations) {
        this.threadHolds.computeIfAbsent(Thread.currentThread(), (thread) -> observations.startHold(this, mode));
    }

    /**
     * Ends the hold observation of the calling thread once it holds no level of the mode
     * any more.
     */
    void threadLevelReleased(LockMode mode) {
        if (!isHeldByCaller(mode)) {
            Observation held = this.threadHolds.remove(Thread.currentThread());
            if (held != null) {
                held.stop();
            }
        }
    }

    private static final class TrackedHold implements LockHold {

        private final LockHold hold;

        private final RegistryEntry entry;

        private final Observation held;

        private final AtomicBoolean closed = new AtomicBoolean();

        TrackedHold(LockHold hold, RegistryEntry entry, Observation held) {
            this.hold = hold;
            this.entry = entry;
            this.held = held;
        }

        @Override
        public Path path() {
            return this.hold.path();
        }

        @Override
        public void close() {
            if (this.closed.compareAndSet(false, true)) {
                try {
                    this.hold.close();
                }
                finally {
                    this.entry.released();
                    this.held.stop();
                }
            }
        }

        @Override
        public String toString() {
            return "hold on '" + this.entry.key + "'";
        }

    }

}
