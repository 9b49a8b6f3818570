package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.ExpirableLockRegistry;

/**
 * A Spring Integration {@link ExpirableLockRegistry} of cross-process file locks under one directory, so it drops into
 * every component that takes a {@code LockRegistry} ({@code LockRegistryLeaderInitiator}, aggregators, {@code
 * LockRequestHandlerAdvice}, {@code executeLocked}); it is also the default {@link LockBackend} of {@link FileLocked}.
 *
 * <p>A key is a {@link String} or {@link Path} naming a file inside the directory; keys never escape it ({@code ..}
 * segments, absolute paths elsewhere and symbolic links leading out are refused), because keys often come from request
 * data. There is one entry per canonical path (no hash striping, so two keys never share a lock by accident); an entry
 * in use is never expired, and {@link #expireUnusedOlderThan(long)} drops unused ones.
 *
 * <pre>{@code
 * FileLockRegistry registry = new FileLockRegistry(Path.of("/var/lock/myapp"));
 * registry.executeLocked("orders/42.lock", Duration.ofSeconds(5), () -> process(42));
 * }</pre>
 */
public class FileLockRegistry implements ExpirableLockRegistry<Lock>, LockBackend, AutoCloseable {

    private final LockDirectory directory;

    private final Function<Path, ? extends FileLock> exclusiveLocks;

    private final @Nullable Function<Path, ? extends ReadWriteFileLock> readWriteLocks;

    /** How many entries the registry keeps before it drops the unused ones on its own. */
    public static final int DEFAULT_CACHE_CAPACITY = 10_000;

    private final ConcurrentMap<Path, RegistryEntry> entries = new ConcurrentHashMap<>();

    private volatile int cacheCapacity = DEFAULT_CACHE_CAPACITY;

    /**
     * Creates a registry of native ({@code flock}) locks and SQLite read/write locks with default options.
     *
     * @param directory the directory that holds the lock files; created if missing
     * @throws IllegalArgumentException if the directory cannot be created or is not a directory
     */
    public FileLockRegistry(Path directory) {
        this(directory, FileLock::of, ReadWriteFileLock::of);
    }

    /**
     * Creates a registry whose lock objects are built by the given factories, such as {@code SoftFileLock::of} or a
     * lambda over {@code FileLock.builder(path)} with options.
     *
     * @param directory the directory that holds the lock files; created if missing
     * @param exclusiveLocks builds the exclusive lock of a canonical path
     * @param readWriteLocks builds the read/write lock of a canonical path, or {@code null} if this registry has no
     *     shared mode ({@link #obtainReadWrite(Object)} then throws {@link UnsupportedOperationException})
     * @throws IllegalArgumentException if the directory cannot be created or is not a directory
     */
    public FileLockRegistry(Path directory, Function<Path, ? extends FileLock> exclusiveLocks,
            @Nullable Function<Path, ? extends ReadWriteFileLock> readWriteLocks) {
        this.directory = new LockDirectory(Objects.requireNonNull(directory, "directory"));
        this.exclusiveLocks = Objects.requireNonNull(exclusiveLocks, "exclusiveLocks");
        this.readWriteLocks = readWriteLocks;
    }

    /**
     * Sets how many entries the registry keeps before it drops every unused one on its own when a new key arrives
     * (default {@value #DEFAULT_CACHE_CAPACITY}), so that a stream of distinct keys (one per order, say) cannot grow
     * the heap for ever; held entries are never dropped, so the registry may exceed it while they are held.
     *
     * @param cacheCapacity a positive number of entries
     * @throws IllegalArgumentException if it is not positive
     */
    public void setCacheCapacity(int cacheCapacity) {
        if (cacheCapacity <= 0) {
            throw new IllegalArgumentException("cacheCapacity must be positive, got " + cacheCapacity);
        }
        this.cacheCapacity = cacheCapacity;
    }

    /**
     * Returns the real path of the lock directory.
     *
     * @return the directory under which keys are resolved
     */
    public Path directory() {
        return this.directory.root();
    }

    /**
     * Returns the canonical path of a key's lock file without locking anything.
     *
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the real path of the key's parent directory followed by its file name
     * @throws IllegalArgumentException if the key is of another type, empty, or leads outside the directory (the
     *     message names the key)
     */
    public Path resolve(Object lockKey) {
        return this.directory.resolve(Objects.requireNonNull(lockKey, "lockKey"));
    }

    /**
     * Returns the exclusive lock of a key: per-thread reentrant, excluding other threads and other processes; the same
     * object for the same canonical path while the entry lives.
     *
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the lock; {@code newCondition()} is not supported
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     * @throws IllegalStateException if the path is in use as a read/write lock in this registry
     */
    @Override
    public Lock obtain(Object lockKey) {
        RegistryEntry entry = entryFor(resolve(lockKey), LockKind.EXCLUSIVE);
        entry.touch();
        return entry.lockHandle;
    }

    /**
     * Returns the read/write lock of a key, backed by a {@link ReadWriteFileLock}: shared readers, one writer, each
     * side per-thread reentrant; upgrading a read hold to a write hold is refused.
     *
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the read/write lock; the same object for the same canonical path while the entry lives
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     * @throws IllegalStateException if the path is in use as an exclusive lock in this registry
     * @throws UnsupportedOperationException if this registry has no read/write locks
     */
    public ReadWriteLock obtainReadWrite(Object lockKey) {
        RegistryEntry entry = entryFor(resolve(lockKey), LockKind.WRITE);
        entry.touch();
        return entry.readWriteHandle;
    }

    /**
     * Drops the entries that nobody holds or is acquiring and that were last used more than {@code age} milliseconds
     * ago; held entries are never dropped, and lock objects obtained earlier keep working.
     *
     * @param age the minimum idle time in milliseconds
     */
    @Override
    public void expireUnusedOlderThan(long age) {
        long cutoff = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(age);
        this.entries.values().forEach((entry) -> {
            if (entry.retireIfUnusedSince(cutoff)) {
                this.entries.remove(entry.path, entry);
                entry.close();
            }
        });
    }

    /**
     * Returns a snapshot of the registry's entries, ordered by key, for monitoring.
     *
     * @return the entries currently cached
     */
    public List<Entry> entries() {
        List<Entry> snapshot = new ArrayList<>();
        this.entries.values().forEach((entry) -> {
            if (!entry.isRetired()) {
                snapshot.add(new Entry(entry.key, entry.path, entry.coreLock(), entry.holdCount()));
            }
        });
        snapshot.sort(Comparator.comparing(Entry::key));
        return snapshot;
    }

    /**
     * Drops every entry that nobody holds, closing its read/write lock (a database connection); held entries stay until
     * released, so no hold is ever lost. Lock objects obtained earlier start over with new entries if used again.
     */
    @Override
    public void close() {
        this.entries.values().forEach((entry) -> {
            if (entry.retireIfUnused()) {
                this.entries.remove(entry.path, entry);
                entry.close();
            }
        });
    }

    @Override
    public void validateKey(String key) {
        resolve(key);
    }

    @Override
    public boolean supports(LockKind kind) {
        return !kind.isReadWrite() || this.readWriteLocks != null;
    }

    @Override
    public LockHold acquire(String key, LockKind kind, Duration timeout) {
        RegistryEntry entry = reserve(resolve(key), kind);
        try {
            return entry.track(entry.acquire(kind, timeout));
        }
        catch (RuntimeException | Error ex) {
            entry.unreserve();
            throw ex;
        }
    }

    @Override
    public CompletableFuture<LockHold> acquireDetached(String key, LockKind kind, Duration timeout) {
        RegistryEntry entry = reserve(resolve(key), kind);
        CompletableFuture<LockHold> acquisition;
        try {
            acquisition = entry.acquireAsync(kind, timeout);
        }
        catch (RuntimeException | Error ex) {
            entry.unreserve();
            throw ex;
        }
        CompletableFuture<LockHold> result = new CompletableFuture<>();
        acquisition.whenComplete((hold, failure) -> {
            if (failure != null) {
                entry.unreserve();
                result.completeExceptionally(failure);
                return;
            }
            LockHold tracked = entry.track(hold);
            if (!result.complete(tracked)) {
                // The caller gave up (cancelled) just as the lock was granted: nobody will close this hold.
                tracked.close();
            }
        });
        result.whenComplete((hold, failure) -> {
            if (result.isCancelled()) {
                acquisition.cancel(false);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "FileLockRegistry[" + this.directory.root() + ", " + this.entries.size() + " entries]";
    }

    /** Returns the entry of a path for one more user, creating it (or replacing a retired one) as needed. */
    RegistryEntry reserve(Path path, LockKind kind) {
        while (true) {
            RegistryEntry entry = entryFor(path, kind);
            if (entry.reserve()) {
                return entry;
            }
            this.entries.remove(path, entry);
        }
    }

    /** Returns the live entry of a path, if any; held entries are always live. */
    @Nullable RegistryEntry heldEntry(Path path) {
        return this.entries.get(path);
    }

    private RegistryEntry entryFor(Path path, LockKind kind) {
        if (!supports(kind)) {
            throw new UnsupportedOperationException("This FileLockRegistry has no read/write locks (no shared mode), "
                    + "so it cannot lock '" + this.directory.displayKey(path) + "' for reading or writing");
        }
        if (this.entries.size() >= this.cacheCapacity && !this.entries.containsKey(path)) {
            expireUnusedOlderThan(0);
        }
        while (true) {
            RegistryEntry entry = this.entries.computeIfAbsent(path, (canonical) -> newEntry(canonical, kind));
            if (!entry.isRetired()) {
                entry.checkKind(kind);
                return entry;
            }
            this.entries.remove(path, entry);
        }
    }

    private RegistryEntry newEntry(Path path, LockKind kind) {
        String key = this.directory.displayKey(path);
        if (kind.isReadWrite()) {
            return RegistryEntry.readWrite(this, key, path, Objects.requireNonNull(this.readWriteLocks).apply(path));
        }
        return RegistryEntry.exclusive(this, key, path, this.exclusiveLocks.apply(path));
    }

    /**
     * One entry of the registry, as listed by {@link #entries()}.
     *
     * @param key the key relative to the lock directory, with {@code /} separators
     * @param path the canonical path of the lock file
     * @param lock the core lock object: a {@link FileLock} (or {@link dev.filelock.SoftFileLock}) for exclusive
     *     entries, a {@link ReadWriteFileLock} for read/write ones
     * @param holdCount how many levels are held through this registry in this JVM, all threads together
     */
    public record Entry(String key, Path path, Object lock, int holdCount) {

        /**
         * Tells whether the entry is held through this registry by any thread of this JVM.
         *
         * @return whether {@link #holdCount()} is positive
         */
        public boolean isHeld() {
            return this.holdCount > 0;
        }
    }
}
