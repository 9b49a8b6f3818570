package dev.filelock.spring;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import dev.filelock.spring.observation.FileLockObservation;
import dev.filelock.spring.observation.FileLockObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * A {@link LockBackend} over any Spring Integration {@link LockRegistry} (such as
 * {@code JdbcLockRegistry}), so that {@link FileLocked} methods coordinate through a
 * distributed lock store instead of local files.
 *
 * <p>
 * A {@link FileLocked#path()} is confined to the lock directory exactly as with files
 * ({@code ..}, absolute paths elsewhere and symbolic links leading out are refused) and
 * the registry key is the path relative to that directory, with {@code /} separators:
 * {@code orders/42.lock}. Hosts with different directories therefore share one key. Such
 * registries have no shared mode: a {@link LockMode#READ} lock takes the key's exclusive
 * lock (logged once), unless the backend was created to refuse it. Locks are per-thread
 * reentrant as the registry's are; a {@link #acquireDetached detached} hold is owned by a
 * thread of this backend, because registry locks must be released by the thread that took
 * them; that thread runs no code of the caller's (the future of a detached acquisition is
 * completed on another thread), so closing the hold from a continuation of that future
 * never waits for itself.
 *
 * @since 0.1
 */
public class LockRegistryBackend implements LockBackend, AutoCloseable {

    private static final Log logger = LogFactory.getLog(LockRegistryBackend.class);

    private final String name;

    private final LockRegistry<?> registry;

    private final LockDirectory directory;

    private final boolean readAsExclusive;

    private final LeaseKeeper leases;

    private final ExecutorService detachedOwners;

    private final ExecutorService handoffs;

    private final AtomicBoolean readFallbackLogged = new AtomicBoolean();

    private final AtomicLong holdIds = new AtomicLong();

    private final ConcurrentHashMap<Long, HeldLock> held = new ConcurrentHashMap<>();

    private final Clock clock = Clock.systemUTC();

    private volatile LockObservations observations = LockObservations.NONE;

    /**
     * Creates a backend over a registry.
     * @param name the backend's name for messages and listings, such as {@code jdbc}
     * @param registry the registry that takes the locks; it must accept {@link String}
     * keys
     * @param directory the lock directory that confines keys; created if missing
     * @param readAsExclusive whether {@link LockMode#READ} locks fall back to the key's
     * exclusive lock; {@code false} refuses them ({@link #supports} returns
     * {@code false})
     * @param leases keeps the lease of each held lock alive, for stores whose locks
     * expire; {@link LeaseKeeper#NONE} for others
     * @throws IllegalArgumentException if the directory cannot be created or is not a
     * directory
     */
    public LockRegistryBackend(String name, LockRegistry<?> registry, Path directory, boolean readAsExclusive,
            LeaseKeeper leases) {
        this.name = Objects.requireNonNull(name, "name");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.directory = new LockDirectory(Objects.requireNonNull(directory, "directory"));
        this.readAsExclusive = readAsExclusive;
        this.leases = Objects.requireNonNull(leases, "leases");
        this.detachedOwners = Executors.newCachedThreadPool(daemonThreads("filelock-" + name + "-owner"));
        this.handoffs = Executors.newCachedThreadPool(daemonThreads("filelock-" + name + "-handoff"));
    }

    private static ThreadFactory daemonThreads(String name) {
        return (task) -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Returns the name this backend was created with, such as {@code jdbc} or a registry
     * bean's name, as messages and thread names show it ({@link #backendName()} is the
     * {@code backend} tag).
     * @return the name
     */
    public String name() {
        return this.name;
    }

    /**
     * Records the {@link FileLockObservation#ACQUIRE filelock.acquire} (the wait, with
     * its {@code outcome}) and {@link FileLockObservation#HELD filelock.held} (the hold)
     * observations of {@link FileLocked} locks, tagged with the
     * {@linkplain #backendName() backend} as {@code backend} and {@code type}, and
     * {@code mode}, as {@link FileLockRegistry} does; none are recorded until this is
     * called.
     * @param registry the observation registry
     */
    public void setObservationRegistry(ObservationRegistry registry) {
        this.observations = this.observations.withRegistry(Objects.requireNonNull(registry, "registry"));
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
     * Returns {@code registry}: a backend over a user's lock registry
     * ({@code filelock.backend} naming its bean).
     * @return {@code registry}
     */
    @Override
    public String backendName() {
        return "registry";
    }

    /**
     * Lists the keys this JVM holds through this backend, one entry per key with one
     * owner per thread (a registry lock is exclusive, so one thread at a time; its hold
     * count is the levels it holds). Waiting threads are not tracked.
     * @return the entries, ordered by key
     */
    @Override
    public List<LockEntry> activeEntries() {
        Map<String, List<HeldLock>> byKey = new TreeMap<>();
        this.held.values().forEach((lock) -> byKey.computeIfAbsent(lock.key(), (key) -> new ArrayList<>()).add(lock));
        List<LockEntry> entries = new ArrayList<>(byKey.size());
        byKey.forEach((key, holds) -> {
            Map<String, List<HeldLock>> byOwner = new TreeMap<>();
            holds.forEach((hold) -> byOwner.computeIfAbsent(hold.owner(), (owner) -> new ArrayList<>()).add(hold));
            List<LockEntry.Owner> owners = new ArrayList<>(byOwner.size());
            byOwner.forEach((owner, levels) -> owners.add(new LockEntry.Owner(owner, levels.size(),
                    levels.stream().map(HeldLock::since).min(Comparator.naturalOrder()).orElse(null))));
            boolean write = holds.stream().anyMatch((hold) -> hold.mode() == LockMode.WRITE);
            entries.add(new LockEntry(key, backendName(), write ? LockMode.WRITE : LockMode.READ, owners, List.of()));
        });
        return entries;
    }

    @Override
    public String entryKey(String key) {
        return registryKey(key);
    }

    /**
     * Returns the registry behind this backend.
     * @return the registry
     */
    public LockRegistry<?> registry() {
        return this.registry;
    }

    /**
     * Returns the registry key of a lock path: the path relative to the lock directory,
     * with {@code /} separators, computed from the text alone (never from the file
     * system, so a symbolic link in one host's directory cannot change that host's key).
     * @param key a {@link FileLocked#path()} value
     * @return the key given to the registry
     * @throws IllegalArgumentException if the key leads outside the lock directory or is
     * empty (the message names it)
     */
    public String registryKey(String key) {
        return this.directory.lexicalKey(key);
    }

    /**
     * Returns the locks held through this backend in this JVM (the store may hold more,
     * for other processes), ordered by key, for monitoring.
     * @return one entry per hold level
     */
    public List<HeldLock> heldLocks() {
        return this.held.values()
            .stream()
            .sorted(Comparator.comparing(HeldLock::key).thenComparing(HeldLock::since))
            .toList();
    }

    @Override
    public void validateKey(String key) {
        registryKey(key);
    }

    @Override
    public boolean supports(LockMode mode) {
        if (mode == LockMode.WRITE) {
            return true;
        }
        if (this.readAsExclusive && this.readFallbackLogged.compareAndSet(false, true)) {
            logger.warn("The '" + this.name + "' lock backend has no shared locks: @FileLocked(mode = READ) methods "
                    + "take the exclusive lock of their key, so readers exclude each other (set "
                    + "filelock.read-mode-fallback=refuse to refuse them at startup instead)");
        }
        return this.readAsExclusive;
    }

    @Override
    public FencedLockHold acquire(String key, LockMode kind, Duration timeout) {
        checkSupported(kind);
        String registryKey = registryKey(key);
        LockObservations observing = this.observations;
        Observation acquisition = observing.startAcquire(backendName(), backendName(), registryKey, kind);
        Lock lock;
        try {
            lock = this.registry.obtain(registryKey);
            if (!await(lock, registryKey, timeout)) {
                throw timedOut(registryKey, kind, timeout);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            LockObservations.interrupted(acquisition);
            throw new FileLockInterruptedException(Path.of(registryKey), ex);
        }
        catch (FileLockTimeoutException ex) {
            LockObservations.timedOut(acquisition);
            throw ex;
        }
        catch (RuntimeException ex) {
            // Spring Integration's timed tryLock turns an interrupt into
            // CannotAcquireLockException, clearing the flag.
            InterruptedException interrupt = interruptCause(ex);
            if (interrupt != null) {
                Thread.currentThread().interrupt();
                LockObservations.interrupted(acquisition);
                throw new FileLockInterruptedException(Path.of(registryKey), interrupt);
            }
            LockObservations.failed(acquisition, ex);
            throw ex;
        }
        catch (Error ex) {
            LockObservations.failed(acquisition, ex);
            throw ex;
        }
        LockObservations.acquired(acquisition);
        return track(registryKey, kind, lock, Thread.currentThread().getName(), observing);
    }

    /**
     * Acquires as {@link #acquire(String, LockMode, Duration)}; this one keeps no minimum
     * hold in its store (a backend whose store can overrides it with
     * {@link #keepsMinimumHold()}).
     * @throws UnsupportedOperationException if the minimum is not zero
     */
    @Override
    public FencedLockHold acquire(String key, LockMode kind, Duration timeout, Duration minimumHold) {
        if (!minimumHold.isZero()) {
            throw new UnsupportedOperationException("The '" + this.name + "' lock backend does not keep minimum holds "
                    + "in its store (lock '" + key + "', minimum " + minimumHold + ")");
        }
        return acquire(key, kind, timeout);
    }

    /**
     * Takes a registry lock, waiting at most the timeout; this one waits in the
     * registry's own loop, and a backend whose store can announce releases overrides it
     * to wake its waiters early.
     * @param lock the registry's lock
     * @param registryKey the key of the lock
     * @param timeout the longest wait; negative to wait until the lock is free
     * @return whether the lock was taken
     * @throws InterruptedException if the thread was interrupted while waiting
     */
    protected boolean await(Lock lock, String registryKey, Duration timeout) throws InterruptedException {
        if (timeout.isNegative()) {
            lock.lockInterruptibly();
            return true;
        }
        return lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static @Nullable InterruptedException interruptCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException interrupt) {
                return interrupt;
            }
        }
        return null;
    }

    /**
     * Returns the exception to throw when the registry failed to release a lock; this one
     * throws the registry's own.
     * @param registryKey the key of the lock
     * @param failure what the registry's {@code unlock()} threw
     * @return the exception to throw instead
     */
    protected RuntimeException releaseFailed(String registryKey, RuntimeException failure) {
        return failure;
    }

    /**
     * Returns the fencing token of the acquisition the calling thread just made of a key;
     * this one has none.
     * @param registryKey the key of the lock, as given to the registry
     * @return the token, or empty when the store does not number acquisitions
     */
    protected OptionalLong fencingToken(String registryKey) {
        return OptionalLong.empty();
    }

    /**
     * A store's lock has no kernel-visible holder to name: the message says the key, the
     * mode and the wait.
     */
    private FileLockTimeoutException timedOut(String registryKey, LockMode kind, Duration timeout) {
        String mode = (kind == LockMode.READ) ? "READ, taken as WRITE" : "WRITE";
        return new FileLockTimeoutException(Path.of(registryKey), "The lock '" + registryKey + "' (" + mode
                + ") of the '" + this.name + "' lock backend was not acquired in time: " + timeout, null);
    }

    @Override
    public CompletableFuture<LockHold> acquireDetached(String key, LockMode kind, Duration timeout) {
        return acquireDetached(key, kind, timeout, Duration.ZERO);
    }

    /**
     * Takes the lock on an owner thread through
     * {@link #acquire(String, LockMode, Duration, Duration)}.
     */
    @Override
    public CompletableFuture<LockHold> acquireDetached(String key, LockMode kind, Duration timeout,
            Duration minimumHold) {
        checkSupported(kind);
        String registryKey = registryKey(key);
        CompletableFuture<LockHold> result = new CompletableFuture<>();
        Future<?> owner = this.detachedOwners
            .submit(() -> ownDetached(registryKey, kind, timeout, minimumHold, result));
        result.whenComplete((hold, failure) -> {
            if (result.isCancelled()) {
                owner.cancel(true);
            }
        });
        return result;
    }

    /**
     * Stops the threads that own detached holds; call it after every hold is released.
     */
    @Override
    public void close() {
        this.detachedOwners.shutdownNow();
        this.handoffs.shutdownNow();
    }

    @Override
    public String toString() {
        return "LockRegistryBackend[" + this.name + ": " + this.registry.getClass().getSimpleName() + ", keys under "
                + this.directory.root() + "]";
    }

    private void checkSupported(LockMode kind) {
        if (!supports(kind)) {
            throw new UnsupportedOperationException("The '" + this.name + "' lock backend has no shared locks and "
                    + "filelock.read-mode-fallback=refuse, so it cannot take a READ lock: take WRITE, or set "
                    + "filelock.read-mode-fallback=exclusive to take the key's exclusive lock for READ");
        }
    }

    /**
     * Runs in an owner thread: takes the lock, hands the hold out, and releases the lock
     * when the hold is closed. The hold is handed out from another thread because
     * completing the future runs the caller's continuations, which may close the hold at
     * once (a {@code Mono} does) and would then wait for this very thread.
     */
    private void ownDetached(String registryKey, LockMode kind, Duration timeout, Duration minimumHold,
            CompletableFuture<LockHold> result) {
        FencedLockHold hold;
        try {
            hold = acquire(registryKey, kind, timeout, minimumHold);
        }
        catch (RuntimeException | Error ex) {
            result.completeExceptionally(ex);
            return;
        }
        DetachedHold detached = new DetachedHold(Path.of(registryKey), hold);
        try {
            this.handoffs.execute(() -> {
                if (!result.complete(detached)) {
                    // Cancelled while the lock was being taken: nobody else will close
                    // the hold.
                    detached.close();
                }
            });
        }
        catch (RejectedExecutionException ex) {
            hold.close();
            result.completeExceptionally(new IllegalStateException(
                    "The '" + this.name + "' lock backend is closed, " + "so the lock '" + registryKey
                            + "' was released at once: the application context is shutting "
                            + "down; stop the callers of @FileLocked methods (schedulers, executors) before it closes",
                    ex));
            return;
        }
        detached.awaitCloseRequest();
        // A cancellation that came after the lock was taken interrupted this thread for
        // nothing.
        Thread.interrupted();
        try {
            hold.close();
            detached.released.complete(null);
        }
        catch (RuntimeException | Error ex) {
            detached.released.completeExceptionally(ex);
        }
    }

    private FencedLockHold track(String registryKey, LockMode kind, Lock lock, String owner,
            LockObservations observing) {
        long id = this.holdIds.incrementAndGet();
        this.held.put(id, new HeldLock(registryKey, kind, owner, this.clock.instant()));
        LeaseKeeper.Lease lease;
        try {
            lease = this.leases.keepAlive(registryKey);
        }
        catch (RuntimeException | Error ex) {
            this.held.remove(id);
            lock.unlock();
            throw ex;
        }
        Observation holding = observing.startHold(backendName(), backendName(), registryKey, kind);
        return new RegistryHold(Path.of(registryKey), fencingToken(registryKey), lease, () -> {
            // A lost lease says why (renewals failed, max-hold passed): that explanation
            // comes first, even when the
            // store then refuses the release because the row is gone.
            RuntimeException leaseLost = null;
            try {
                lease.close();
            }
            catch (RuntimeException ex) {
                leaseLost = ex;
            }
            finally {
                this.held.remove(id);
                try {
                    lock.unlock();
                }
                catch (RuntimeException ex) {
                    holding.error(ex);
                    RuntimeException failure = releaseFailed(registryKey, ex);
                    if (leaseLost == null) {
                        throw failure;
                    }
                    leaseLost.addSuppressed(failure);
                }
                finally {
                    holding.stop();
                }
            }
            if (leaseLost != null) {
                throw leaseLost;
            }
        });
    }

    /**
     * Keeps the leases of held locks alive, for registries whose locks expire (JDBC and
     * Redis locks have a time to live).
     */
    @FunctionalInterface
    public interface LeaseKeeper {

        /** Keeps nothing alive, for registries whose locks do not expire. */
        LeaseKeeper NONE = (key) -> () -> {
        };

        /**
         * Starts keeping the lease of a lock that was just acquired alive until the
         * returned lease is closed.
         * @param registryKey the key of the lock, as given to the registry
         * @return the lease; closed before the lock is released
         */
        Lease keepAlive(String registryKey);

        /** The renewal of one held lock's lease. */
        @FunctionalInterface
        interface Lease extends AutoCloseable {

            /** Stops renewing; returns only when no renewal is running any more. */
            @Override
            void close();

            /**
             * Tells whether the lease is still valid: not lost (leases that never lapse
             * always are).
             * @return whether the lease is valid
             */
            default boolean isValid() {
                return true;
            }

        }

    }

    /**
     * One level of a lock held through this backend in this JVM.
     *
     * @param key the registry key
     * @param mode the mode the {@link FileLocked} method asked for (the registry lock
     * itself is exclusive)
     * @param owner the name of the thread that holds it in the registry
     * @param since when it was acquired
     */
    public record HeldLock(String key, LockMode mode, String owner, Instant since) {
    }

    /** A hold released by a runnable, at most once. */
    private static final class RegistryHold implements FencedLockHold {

        private final Path path;

        private final OptionalLong fencingToken;

        private final LeaseKeeper.Lease lease;

        private final AtomicBoolean open = new AtomicBoolean(true);

        private final Runnable release;

        RegistryHold(Path path, OptionalLong fencingToken, LeaseKeeper.Lease lease, Runnable release) {
            this.path = path;
            this.fencingToken = fencingToken;
            this.lease = lease;
            this.release = release;
        }

        @Override
        public Path path() {
            return this.path;
        }

        @Override
        public OptionalLong fencingToken() {
            return this.fencingToken;
        }

        @Override
        public boolean isHeld() {
            return this.open.get() && this.lease.isValid();
        }

        @Override
        public void close() {
            if (this.open.compareAndSet(true, false)) {
                this.release.run();
            }
        }

    }

    /**
     * A hold whose lock is owned by a backend thread; closing it asks that thread to
     * release and waits for it.
     */
    private static final class DetachedHold implements FencedLockHold {

        private final Path path;

        private final FencedLockHold owned;

        private final CompletableFuture<Void> closeRequested = new CompletableFuture<>();

        private final CompletableFuture<Void> released = new CompletableFuture<>();

        DetachedHold(Path path, FencedLockHold owned) {
            this.path = path;
            this.owned = owned;
        }

        @Override
        public Path path() {
            return this.path;
        }

        @Override
        public OptionalLong fencingToken() {
            return this.owned.fencingToken();
        }

        @Override
        public boolean isHeld() {
            return !this.closeRequested.isDone() && this.owned.isHeld();
        }

        @Override
        public void close() {
            if (!this.closeRequested.complete(null)) {
                return;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    this.released.get();
                    break;
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
                catch (ExecutionException ex) {
                    if (ex.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException("Could not release the lock '" + this.path + "'", ex.getCause());
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Waits, ignoring interrupts (a shutdown must not drop a hold that a caller still
         * uses).
         */
        void awaitCloseRequest() {
            while (true) {
                try {
                    this.closeRequested.get();
                    return;
                }
                catch (InterruptedException ex) {
                    // keep owning the lock until the hold is closed
                }
                catch (ExecutionException ex) {
                    return;
                }
            }
        }

    }

}
