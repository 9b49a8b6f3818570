package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import io.micrometer.observation.Observation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * One canonical path in a {@link FileLockRegistry}: its core lock object and how many callers are using it, so that
 * an entry in use (held, or being acquired) is never expired.
 */
final class RegistryEntry {

    private static final int RETIRED = -1;

    final String key;

    final Path path;

    private final @Nullable FileLock exclusive;

    private final @Nullable ReadWriteFileLock readWrite;

    final Lock lockHandle;

    final ReadWriteLock readWriteHandle;

    /** Acquisitions in progress plus levels held; {@link #RETIRED} once expired, after which nobody may use it. */
    private final AtomicInteger users = new AtomicInteger();

    private final AtomicInteger holds = new AtomicInteger();

    private volatile long lastUsedNanos = System.nanoTime();

    /** The hold observations of threads holding through the {@link Lock} API, ended when their last level goes. */
    private final Map<Thread, Observation> threadHolds = new ConcurrentHashMap<>();

    private RegistryEntry(FileLockRegistry registry, String key, Path path, @Nullable FileLock exclusive,
            @Nullable ReadWriteFileLock readWrite) {
        this.key = key;
        this.path = path;
        this.exclusive = exclusive;
        this.readWrite = readWrite;
        this.lockHandle = new RegistryLock(registry, path, LockKind.EXCLUSIVE);
        this.readWriteHandle = new RegistryReadWriteLock(new RegistryLock(registry, path, LockKind.READ),
                new RegistryLock(registry, path, LockKind.WRITE));
    }

    static RegistryEntry exclusive(FileLockRegistry registry, String key, Path path, FileLock lock) {
        return new RegistryEntry(registry, key, path, lock, null);
    }

    static RegistryEntry readWrite(FileLockRegistry registry, String key, Path path, ReadWriteFileLock lock) {
        return new RegistryEntry(registry, key, path, null, lock);
    }

    boolean isReadWrite() {
        return this.readWrite != null;
    }

    /** The core lock object: a {@link FileLock} or a {@link ReadWriteFileLock}. */
    Object coreLock() {
        return (this.exclusive != null) ? this.exclusive : requireReadWrite();
    }

    int holdCount() {
        return this.holds.get();
    }

    void checkKind(LockKind kind) {
        if (kind.isReadWrite() != isReadWrite()) {
            throw new IllegalStateException("Lock key '" + this.key + "' is in use as "
                    + (isReadWrite() ? "a read/write lock" : "an exclusive lock") + " in this registry and cannot be "
                    + "used as " + (kind.isReadWrite() ? "a read/write lock" : "an exclusive lock")
                    + " at the same time: the two lock protocols do not exclude each other");
        }
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

    /** Releases the resources of a retired entry (the read/write lock's database connection). */
    void close() {
        if (this.readWrite != null) {
            this.readWrite.close();
        }
    }

    Lock lockFor(LockKind kind) {
        return switch (kind) {
            case EXCLUSIVE -> requireExclusive();
            case READ -> requireReadWrite().readLock();
            case WRITE -> requireReadWrite().writeLock();
        };
    }

    boolean isHeldByCaller(LockKind kind) {
        return switch (kind) {
            case EXCLUSIVE -> requireExclusive().isLocked();
            case READ -> heldMode().filter(LockMode.READ::equals).isPresent();
            case WRITE -> heldMode().filter(LockMode.WRITE::equals).isPresent();
        };
    }

    LockHold acquire(LockKind kind, Duration timeout) {
        return switch (kind) {
            case EXCLUSIVE -> requireExclusive().acquire(timeout);
            case READ -> requireReadWrite().acquireRead(timeout);
            case WRITE -> requireReadWrite().acquireWrite(timeout);
        };
    }

    CompletableFuture<LockHold> acquireAsync(LockKind kind, Duration timeout) {
        return switch (kind) {
            case EXCLUSIVE -> requireExclusive().acquireAsync(timeout);
            case READ -> requireReadWrite().acquireReadAsync(timeout);
            case WRITE -> requireReadWrite().acquireWriteAsync(timeout);
        };
    }

    /** Wraps a core hold so that closing it also gives back this entry's reservation and ends its observation, once. */
    LockHold track(LockHold hold, Observation held) {
        acquired();
        return new TrackedHold(hold, this, held);
    }

    /** Starts the hold observation of a thread's first level through the {@link Lock} API. */
    void threadHoldStarted(LockKind kind, LockObservations observations) {
        this.threadHolds.computeIfAbsent(Thread.currentThread(), (thread) -> observations.startHold(this, kind));
    }

    /** Ends the hold observation of the calling thread once it holds no level of the kind any more. */
    void threadLevelReleased(LockKind kind) {
        if (!isHeldByCaller(kind)) {
            Observation held = this.threadHolds.remove(Thread.currentThread());
            if (held != null) {
                held.stop();
            }
        }
    }

    private Optional<LockMode> heldMode() {
        return requireReadWrite().heldMode();
    }

    private FileLock requireExclusive() {
        if (this.exclusive == null) {
            throw new IllegalStateException("Lock key '" + this.key + "' is a read/write lock");
        }
        return this.exclusive;
    }

    private ReadWriteFileLock requireReadWrite() {
        if (this.readWrite == null) {
            throw new IllegalStateException("Lock key '" + this.key + "' is an exclusive lock");
        }
        return this.readWrite;
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
