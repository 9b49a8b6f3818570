package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.FileLockDiagnostics;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Function;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import dev.filelock.spring.observation.FileLockObservation;
import dev.filelock.spring.observation.FileLockObservationConvention;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.ExpirableLockRegistry;

/**
 * A Spring Integration {@link ExpirableLockRegistry} of cross-process file locks under
 * one directory, so it drops into every component that takes a {@code LockRegistry}
 * ({@code LockRegistryLeaderInitiator}, aggregators, {@code
 * LockRequestHandlerAdvice}, {@code executeLocked}); it is also the default
 * {@link LockBackend} of {@link FileLocked}.
 *
 * <p>
 * A key is a {@link String} or {@link Path} naming a file inside the directory; keys
 * never escape it ({@code ..} segments, absolute paths elsewhere and symbolic links
 * leading out are refused), because keys often come from request data. The directory is
 * declared a {@link dev.filelock.ConfinedDirectory}, so every open of a lock file walks
 * it again without following links out: a directory inside swapped for such a link after
 * a key was resolved makes the lock fail with {@link dev.filelock.FileLockException},
 * never lock a file outside. There is one entry per canonical path (no hash striping, so
 * two keys never share a lock by accident); an entry in use is never expired, and
 * {@link #expireUnusedOlderThan(long)} drops unused ones.
 *
 * <p>
 * A registry speaks one lock protocol for every path, so that its {@link LockMode#WRITE}
 * and {@link LockMode#READ} locks of a path always exclude each other:
 * {@link #obtain(Object)} and {@code WRITE} are the protocol's exclusive side,
 * {@code READ} its shared side. The default is {@link NativeReadWriteFileLock}
 * ({@code flock}: {@code LOCK_EX} / {@code LOCK_SH}, excluded by Python's
 * {@code FileLock} and {@code flock -x}); any other {@link ReadWriteFileLock} (SQLite,
 * soft markers) can be given instead, or an exclusive-only lock such as
 * {@link dev.filelock.SoftFileLock}, whose readers then either take the exclusive lock
 * too or are refused.
 *
 * <pre>{@code
 * FileLockRegistry registry = new FileLockRegistry(Path.of("/var/lock/myapp"));
 * registry.executeLocked("orders/42.lock", Duration.ofSeconds(5), () -> process(42));
 * }</pre>
 *
 * @since 0.1
 */
public class FileLockRegistry implements ExpirableLockRegistry<Lock>, InspectableLockBackend, AutoCloseable {

    private static final Log logger = LogFactory.getLog(FileLockRegistry.class);

    private final LockDirectory directory;

    private final @Nullable Function<Path, ? extends ReadWriteFileLock> readWriteLocks;

    private final @Nullable Function<Path, ? extends FileLock> exclusiveLocks;

    private final boolean readsAsExclusive;

    private final AtomicBoolean readFallbackLogged = new AtomicBoolean();

    /** How many entries the registry keeps before it drops the unused ones on its own. */
    public static final int DEFAULT_CACHE_CAPACITY = 10_000;

    private final ConcurrentMap<Path, RegistryEntry> entries = new ConcurrentHashMap<>();

    /**
     * Entries by the key text that last named them, so that a key is resolved on the file
     * system (one {@code lstat} per segment) once while its entry lives, not on every
     * call.
     */
    private final ConcurrentMap<String, RegistryEntry> entriesByKey = new ConcurrentHashMap<>();

    private volatile int cacheCapacity = DEFAULT_CACHE_CAPACITY;

    private volatile LockObservations observations = LockObservations.NONE;

    /**
     * Creates a registry of {@link NativeReadWriteFileLock}s ({@code flock}) with default
     * options.
     * @param directory the directory that holds the lock files; created if missing
     * @throws IllegalArgumentException if the directory cannot be created or is not a
     * directory
     */
    public FileLockRegistry(Path directory) {
        this(directory, NativeReadWriteFileLock::of);
    }

    /**
     * Creates a registry whose read/write locks are built by the given factory, such as
     * {@code ReadWriteFileLock::of} (Python's {@code ReadWriteLock}),
     * {@code SoftReadWriteFileLock::of} or a lambda over a builder with options.
     * @param directory the directory that holds the lock files; created if missing
     * @param readWriteLocks builds the read/write lock of a canonical path
     * @throws IllegalArgumentException if the directory cannot be created or is not a
     * directory
     */
    public FileLockRegistry(Path directory, Function<Path, ? extends ReadWriteFileLock> readWriteLocks) {
        this(directory, Objects.requireNonNull(readWriteLocks, "readWriteLocks"), null, false);
    }

    /**
     * Creates a registry of exclusive locks built by the given factory, such as
     * {@code SoftFileLock::of}: {@link LockMode#WRITE} and {@link #obtain(Object)} take a
     * path's lock; {@link LockMode#READ} takes it too (readers then exclude each other)
     * or is refused.
     * @param directory the directory that holds the lock files; created if missing
     * @param exclusiveLocks builds the exclusive lock of a canonical path
     * @param readsAsExclusive whether {@code READ} takes the exclusive lock;
     * {@code false} refuses it ({@link #supports} and {@link #obtainReadWrite} then say
     * so)
     * @throws IllegalArgumentException if the directory cannot be created or is not a
     * directory
     */
    public FileLockRegistry(Path directory, Function<Path, ? extends FileLock> exclusiveLocks,
            boolean readsAsExclusive) {
        this(directory, null, Objects.requireNonNull(exclusiveLocks, "exclusiveLocks"), readsAsExclusive);
    }

    private FileLockRegistry(Path directory, @Nullable Function<Path, ? extends ReadWriteFileLock> readWriteLocks,
            @Nullable Function<Path, ? extends FileLock> exclusiveLocks, boolean readsAsExclusive) {
        this.directory = new LockDirectory(Objects.requireNonNull(directory, "directory"));
        this.readWriteLocks = readWriteLocks;
        this.exclusiveLocks = exclusiveLocks;
        this.readsAsExclusive = readsAsExclusive;
    }

    /**
     * Sets how many entries the registry keeps before it drops every unused one on its
     * own when a new key arrives (default {@value #DEFAULT_CACHE_CAPACITY}), so that a
     * stream of distinct keys (one per order, say) cannot grow the heap for ever; held
     * entries are never dropped, so the registry may exceed it while they are held.
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
     * @return the directory under which keys are resolved
     */
    public Path directory() {
        return this.directory.root();
    }

    /**
     * Returns the canonical path of a key's lock file without locking anything.
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the real path of the key's parent directory followed by its file name
     * @throws IllegalArgumentException if the key is of another type, empty, or leads
     * outside the directory (the message names the key)
     */
    public Path resolve(Object lockKey) {
        return this.directory.resolve(Objects.requireNonNull(lockKey, "lockKey"));
    }

    /**
     * Returns the lock of a key: the write side of its read/write lock (or its exclusive
     * lock), per-thread reentrant, excluding other threads and other processes, readers
     * included; the same object for the same canonical path while the entry lives.
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the lock; {@code newCondition()} is not supported
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     */
    @Override
    public Lock obtain(Object lockKey) {
        RegistryEntry entry = knownEntry(lockKey, LockMode.WRITE);
        entry.touch();
        return entry.lockHandle;
    }

    /**
     * Returns the read/write lock of a key: shared readers, one writer, each side
     * per-thread reentrant; upgrading a read hold to a write hold (or, on most protocols,
     * taking a read hold while holding the write lock) is refused. Its write lock is the
     * lock that {@link #obtain(Object)} returns.
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return the read/write lock; the same object for the same canonical path while the
     * entry lives
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     * @throws UnsupportedOperationException if this registry has exclusive locks only and
     * refuses readers
     */
    public ReadWriteLock obtainReadWrite(Object lockKey) {
        RegistryEntry entry = knownEntry(lockKey, LockMode.READ);
        entry.touch();
        return entry.readWriteHandle;
    }

    /**
     * Drops the entries that nobody holds or is acquiring and that were last used more
     * than {@code age} milliseconds ago; held entries are never dropped, and lock objects
     * obtained earlier keep working.
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
        this.entriesByKey.values().removeIf(RegistryEntry::isRetired);
    }

    /**
     * Records every acquisition and hold through this registry as Micrometer
     * observations: {@link FileLockObservation#ACQUIRE filelock.acquire} (the wait, with
     * its {@code outcome}) and {@link FileLockObservation#HELD filelock.held} (the hold),
     * tagged {@code backend=file}, {@code type} and {@code mode}; the key is the
     * high-cardinality key value {@code path}. Off ({@link ObservationRegistry#NOOP}) by
     * default.
     * @param observationRegistry where to record
     */
    public void setObservationRegistry(ObservationRegistry observationRegistry) {
        this.observations = this.observations
            .withRegistry(Objects.requireNonNull(observationRegistry, "observationRegistry"));
    }

    /**
     * Replaces the key values of the observations
     * ({@link DefaultFileLockObservationConvention} by default).
     * @param convention the convention, or {@code null} for the default
     */
    public void setObservationConvention(@Nullable FileLockObservationConvention convention) {
        this.observations = this.observations.withConvention(convention);
    }

    /**
     * Releases every hold this JVM has on a key's lock, whichever thread or process
     * component took it, and wakes the threads waiting for it: an operator's last resort
     * for a lock whose holder is stuck. The former holders are not told; closing their
     * holds later does nothing, and their {@code unlock()} throws
     * {@link IllegalMonitorStateException}.
     * @param lockKey a {@link String} or {@link Path} naming a file inside the directory
     * @return whether anything was held and is now released
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     * @see FileLockDiagnostics#forceRelease(Path)
     */
    @Override
    public boolean forceRelease(Object lockKey) {
        return FileLockDiagnostics.forceRelease(resolve(lockKey));
    }

    /**
     * Returns a key's lock-file path relative to the lock directory, with {@code /}
     * separators, as listings show it.
     * @param canonicalPath a canonical lock-file path, such as
     * {@link FileLockDiagnostics.ActiveLock#path()}
     * @return the relative key, or the path itself when it lies outside the directory
     */
    public String displayKey(Path canonicalPath) {
        return canonicalPath.startsWith(this.directory.root()) ? this.directory.displayKey(canonicalPath)
                : canonicalPath.toString();
    }

    /**
     * Returns a snapshot of the registry's entries, ordered by key, for monitoring.
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
     * Drops every entry that nobody holds, closing its core lock (an SQLite connection,
     * parked descriptors); held entries stay until released, so no hold is ever lost.
     * Lock objects obtained earlier start over with new entries if used again.
     */
    @Override
    public void close() {
        this.entries.values().forEach((entry) -> {
            if (entry.retireIfUnused()) {
                this.entries.remove(entry.path, entry);
                entry.close();
            }
        });
        this.entriesByKey.values().removeIf(RegistryEntry::isRetired);
    }

    @Override
    public void validateKey(String key) {
        resolve(key);
    }

    /**
     * Returns {@code file}.
     * @return {@code file}
     */
    @Override
    public String backendName() {
        return "file";
    }

    /**
     * Returns every file lock type: the entries are every file lock of this JVM,
     * whichever object took it.
     * @return {@code native}, {@code sqlite}, {@code soft} and {@code soft-read-write}
     */
    @Override
    public Set<String> lockTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (FileLockDiagnostics.LockType type : FileLockDiagnostics.LockType.values()) {
            types.add(type.value());
        }
        return types;
    }

    /**
     * Lists every file lock this JVM holds or waits for, not only this registry's: a lock
     * file is one lock for the whole JVM, whichever object took it, and the operator
     * looking at it needs to see every holder. Keys are relative to this registry's
     * directory, absolute outside it.
     * @return the entries, ordered by path
     */
    @Override
    public List<LockEntry> activeEntries() {
        return FileLockDiagnostics.activeLocks().stream().map(this::entry).toList();
    }

    private LockEntry entry(FileLockDiagnostics.ActiveLock lock) {
        List<LockEntry.Owner> owners = lock.holders()
            .stream()
            .map((holder) -> new LockEntry.Owner(holder.name(), holder.holdCount(), holder.since()))
            .toList();
        LockMode mode = lock.mode();
        if (mode == null && lock.isHeld()) {
            mode = LockMode.WRITE; // an exclusive lock: the diagnostics give no mode
                                   // where there is only one
        }
        return new LockEntry(displayKey(lock.path()), lock.type().value(), mode, owners, lock.waitingThreads());
    }

    /**
     * Returns the key as {@link #activeEntries()} lists it: the canonical path relative
     * to the directory.
     * @param key the lock key
     * @return the entry key
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     */
    @Override
    public String entryKey(String key) {
        return displayKey(resolve(key));
    }

    @Override
    public FileLockDiagnostics.Probe probe(String key) {
        return FileLockDiagnostics.probe(resolve(key));
    }

    /**
     * Tells whether this registry takes locks of a mode: {@link LockMode#WRITE} always,
     * {@link LockMode#READ} unless it has exclusive locks only and refuses readers; the
     * first {@code READ} taken as an exclusive lock is logged.
     * @param mode the lock mode
     * @return whether {@link #acquire} and {@link #acquireDetached} accept it
     */
    @Override
    public boolean supports(LockMode mode) {
        if (mode == LockMode.WRITE || this.readWriteLocks != null) {
            return true;
        }
        if (this.readsAsExclusive && this.readFallbackLogged.compareAndSet(false, true)) {
            logger.warn("The lock type of this FileLockRegistry has no shared mode: READ locks take the exclusive lock "
                    + "of their key, so readers exclude each other (with filelock.type=soft, set "
                    + "filelock.type=soft-read-write for shared readers, or filelock.read-mode-fallback=refuse to "
                    + "refuse READ at startup)");
        }
        return this.readsAsExclusive;
    }

    @Override
    public LockHold acquire(String key, LockMode mode, Duration timeout) {
        RegistryEntry entry = reserve(key, mode);
        LockMode taken;
        try {
            taken = entry.modeForCaller(mode);
        }
        catch (RuntimeException ex) {
            entry.unreserve();
            throw ex;
        }
        LockObservations observing = this.observations;
        Observation wait = observing.startAcquire(entry, taken);
        LockHold hold;
        try {
            hold = entry.acquire(taken, timeout);
        }
        catch (RuntimeException | Error ex) {
            LockObservations.failed(wait, ex);
            entry.unreserve();
            throw ex;
        }
        LockObservations.acquired(wait);
        return entry.track(hold, observing.startHold(entry, taken));
    }

    @Override
    public CompletableFuture<LockHold> acquireDetached(String key, LockMode mode, Duration timeout) {
        RegistryEntry entry = reserve(key, mode);
        LockObservations observing = this.observations;
        Observation wait = observing.startAcquire(entry, mode);
        CompletableFuture<LockHold> acquisition;
        try {
            acquisition = entry.acquireAsync(mode, timeout);
        }
        catch (RuntimeException | Error ex) {
            LockObservations.failed(wait, ex);
            entry.unreserve();
            throw ex;
        }
        CompletableFuture<LockHold> result = new CompletableFuture<>();
        acquisition.whenComplete((hold, failure) -> {
            if (failure != null) {
                LockObservations.failed(wait, failure);
                entry.unreserve();
                result.completeExceptionally(failure);
                return;
            }
            LockObservations.acquired(wait);
            LockHold tracked = entry.track(hold, observing.startHold(entry, mode));
            if (!result.complete(tracked)) {
                // The caller gave up (cancelled) just as the lock was granted: nobody
                // will close this hold.
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

    /**
     * Returns the entry of a key for one more user, resolving the key only if no live
     * entry remembers it.
     */
    private RegistryEntry reserve(String key, LockMode mode) {
        checkSupported(mode, key);
        RegistryEntry known = this.entriesByKey.get(key);
        if (known != null && known.reserve()) {
            return known;
        }
        RegistryEntry entry = reserve(resolve(key), mode);
        remember(key, entry);
        return entry;
    }

    /**
     * Returns the live entry of a key, resolving the key only if no live entry remembers
     * it.
     */
    private RegistryEntry knownEntry(Object lockKey, LockMode mode) {
        checkSupported(mode, lockKey);
        if (lockKey instanceof String key) {
            RegistryEntry known = this.entriesByKey.get(key);
            if (known != null && !known.isRetired()) {
                return known;
            }
        }
        RegistryEntry entry = entryFor(resolve(lockKey));
        if (lockKey instanceof String key) {
            remember(key, entry);
        }
        return entry;
    }

    private void remember(String key, RegistryEntry entry) {
        if (this.entriesByKey.size() >= this.cacheCapacity) {
            this.entriesByKey.clear(); // only a shortcut: a forgotten key is resolved
                                       // again on its next use
        }
        this.entriesByKey.put(key, entry);
    }

    /**
     * Returns the entry of a path for one more user, creating it (or replacing a retired
     * one) as needed.
     */
    RegistryEntry reserve(Path path, LockMode mode) {
        checkSupported(mode, path);
        while (true) {
            RegistryEntry entry = entryFor(path);
            if (entry.reserve()) {
                return entry;
            }
            this.entries.remove(path, entry);
        }
    }

    LockObservations observations() {
        return this.observations;
    }

    /** Returns the live entry of a path, if any; held entries are always live. */
    @Nullable RegistryEntry heldEntry(Path path) {
        return this.entries.get(path);
    }

    private void checkSupported(LockMode mode, Object key) {
        if (mode == LockMode.READ && this.readWriteLocks == null && !this.readsAsExclusive) {
            throw new UnsupportedOperationException("This FileLockRegistry has exclusive locks only and refuses READ "
                    + "locks, so it cannot lock '" + key + "' for reading: take the write lock (obtain(key)), or use "
                    + "a registry with read/write locks (filelock.type=native, sqlite or soft-read-write; with "
                    + "filelock.type=soft, filelock.read-mode-fallback=exclusive takes the exclusive lock instead)");
        }
    }

    private RegistryEntry entryFor(Path path) {
        if (this.entries.size() >= this.cacheCapacity && !this.entries.containsKey(path)) {
            expireUnusedOlderThan(0);
        }
        while (true) {
            RegistryEntry entry = this.entries.computeIfAbsent(path, this::newEntry);
            if (!entry.isRetired()) {
                return entry;
            }
            this.entries.remove(path, entry);
        }
    }

    private RegistryEntry newEntry(Path path) {
        String key = this.directory.displayKey(path);
        if (this.readWriteLocks != null) {
            return RegistryEntry.readWrite(this, key, path, this.readWriteLocks.apply(path));
        }
        return RegistryEntry.exclusive(this, key, path, Objects.requireNonNull(this.exclusiveLocks).apply(path));
    }

    /**
     * One entry of the registry, as listed by {@link #entries()}.
     *
     * @param key the key relative to the lock directory, with {@code /} separators
     * @param path the canonical path of the lock file
     * @param lock the core lock object: a {@link ReadWriteFileLock} (such as
     * {@link NativeReadWriteFileLock}), or a {@link FileLock} (such as
     * {@link dev.filelock.SoftFileLock}) in a registry of exclusive locks
     * @param holdCount how many levels are held through this registry in this JVM, all
     * threads together
     */
    public record Entry(String key, Path path, Object lock, int holdCount) {

        /**
         * Tells whether the entry is held through this registry by any thread of this
         * JVM.
         * @return whether {@link #holdCount()} is positive
         */
        public boolean isHeld() {
            return this.holdCount > 0;
        }
    }

}
