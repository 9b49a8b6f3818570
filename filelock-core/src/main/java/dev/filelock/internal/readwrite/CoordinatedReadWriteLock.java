package dev.filelock.internal.readwrite;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.Ownership;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.internal.AsyncWaits;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.diagnostics.TimeoutMessage;
import dev.filelock.internal.flock.FlockReadWriteBackend;
import dev.filelock.internal.soft.SoftReadWriteBackend;
import dev.filelock.internal.sqlite.SqliteReadWriteBackend;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ReadWriteFileLock} object: a view on the JVM-wide {@link ReadWriteEntry} of
 * its path and protocol. It turns the caller into an owner (per thread, shared, or per
 * asynchronous hold), applies its options to every acquisition, and keeps the entry
 * attached until it is closed or garbage collected (the entry's idle connection is
 * bounded by the table, not by this object).
 */
public class CoordinatedReadWriteLock implements ReadWriteFileLock {

    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "filelock-read-write-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private final Path path;

    private final LockOptions options;

    private final LockProtocol protocol;

    private final ReadWriteBackend.Factory backends;

    private final ReadWriteOwner sharedOwner = ReadWriteOwner.shared(this);

    private final Lock readLock = new ReadWriteLockView(this, LockMode.READ);

    private final Lock writeLock = new ReadWriteLockView(this, LockMode.WRITE);

    private volatile boolean closed;

    private volatile @Nullable Attachment attachment;

    /**
     * The levels most recently taken through this object by a thread (or, when shared, by
     * anyone), while they last: a nested acquire or release by that owner counts on them
     * directly. Written under the entry's mutex.
     */
    private volatile @Nullable ReadWriteLevels recentLevels;

    private record Attachment(ReadWriteTable.Key key, ReadWriteEntry entry, Cleaner.Cleanable detach) {
    }

    /**
     * Detaches an entry from a lock object that was closed or collected; must not refer
     * to the lock object.
     */
    private record Detach(ReadWriteTable.Key key, ReadWriteEntry entry) implements Runnable {
        @Override
        public void run() {
            ReadWriteTable.INSTANCE.detach(key, entry);
        }
    }

    public CoordinatedReadWriteLock(Path path, LockOptions options, LockProtocol protocol,
            ReadWriteBackend.Factory backends) {
        this.path = path;
        this.options = options;
        this.protocol = protocol;
        this.backends = backends;
    }

    /**
     * Creates an SQLite read/write lock object.
     * @param path the lock path as given, already validated
     * @param options the builder's options
     * @return the lock object; creating it touches no file
     */
    public static ReadWriteFileLock ofSqlite(Path path, LockOptions options) {
        return new CoordinatedReadWriteLock(path, options, LockProtocol.SQLITE, SqliteReadWriteBackend::new);
    }

    /**
     * Creates a native ({@code flock}) read/write lock object.
     * @param path the lock path as given, already validated
     * @param options the builder's options, with the file mode of a created lock file
     * @return the lock object; creating it touches no file
     */
    public static NativeReadWriteFileLock ofNative(Path path, LockOptions options) {
        return new Native(path, options);
    }

    /**
     * Creates a soft read/write lock object.
     * @param path the lock path as given, already validated
     * @param options the builder's options
     * @param heartbeatInterval how often a holder refreshes its marker
     * @param staleThreshold the age after which another process's marker counts as
     * abandoned
     * @return the lock object; creating it touches no file
     */
    public static SoftReadWriteFileLock ofSoft(Path path, LockOptions options, Duration heartbeatInterval,
            Duration staleThreshold) {
        return new Soft(path, options,
                SoftReadWriteBackend.factory(heartbeatInterval, staleThreshold, options.pollInterval()));
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Lock readLock() {
        return readLock;
    }

    @Override
    public Lock writeLock() {
        return writeLock;
    }

    @Override
    public LockHold acquireRead() {
        return acquire(LockMode.READ, options.timeout());
    }

    @Override
    public LockHold acquireRead(Duration timeout) {
        return acquire(LockMode.READ, timeout);
    }

    @Override
    public Optional<LockHold> tryAcquireRead() {
        return tryAcquire(LockMode.READ);
    }

    @Override
    public LockHold acquireWrite() {
        return acquire(LockMode.WRITE, options.timeout());
    }

    @Override
    public LockHold acquireWrite(Duration timeout) {
        return acquire(LockMode.WRITE, timeout);
    }

    @Override
    public Optional<LockHold> tryAcquireWrite() {
        return tryAcquire(LockMode.WRITE);
    }

    @Override
    public CompletableFuture<LockHold> acquireReadAsync(Duration timeout) {
        return acquireAsync(LockMode.READ, timeout);
    }

    @Override
    public CompletableFuture<LockHold> acquireWriteAsync(Duration timeout) {
        return acquireAsync(LockMode.WRITE, timeout);
    }

    @Override
    public void release() {
        release(false);
    }

    @Override
    public void release(boolean force) {
        Attachment current = attachment;
        if (current != null) {
            current.entry().release(callerOwner(), force);
        }
    }

    @Override
    public Optional<LockMode> heldMode() {
        Attachment current = attachment;
        return current == null ? Optional.empty() : current.entry().heldMode(callerOwner());
    }

    @Override
    public int holdCount() {
        Attachment current = attachment;
        return current == null ? 0 : current.entry().levels(callerOwner());
    }

    @Override
    public void close() {
        Attachment current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = attachment;
        }
        if (current != null) {
            current.entry().releaseAll(this);
            current.detach().clean();
        }
    }

    @Override
    public String toString() {
        return "ReadWriteFileLock[" + path + ", " + protocol + "]";
    }

    boolean isClosed() {
        return closed;
    }

    LockOptions options() {
        return options;
    }

    /**
     * The owner of the calling thread's holds: the thread itself, or everyone for a
     * shared lock object.
     */
    ReadWriteOwner callerOwner() {
        return options.ownership() == Ownership.SHARED ? sharedOwner : ReadWriteOwner.ofThread(this);
    }

    /**
     * The deadline of an acquisition with the given timeout; a non-blocking lock object
     * makes one attempt.
     */
    Deadline deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return options.blocking() ? Deadline.after(timeout) : Deadline.after(Duration.ZERO);
    }

    private LockHold acquire(LockMode mode, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        ReadWriteLevels reentered = reenterAsCaller(mode);
        if (reentered != null) {
            return new ReadWriteHold(this, reentered);
        }
        return acquire(callerOwner(), mode, deadline(timeout));
    }

    private Optional<LockHold> tryAcquire(LockMode mode) {
        ReadWriteLevels reentered = reenterAsCaller(mode);
        if (reentered != null) {
            return Optional.of(new ReadWriteHold(this, reentered));
        }
        try {
            ReadWriteLevels levels = acquireLevels(callerOwner(), mode, Deadline.after(Duration.ZERO));
            return levels == null ? Optional.empty() : Optional.of(new ReadWriteHold(this, levels));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Acquires a level for the owner or throws the timeout, interruption or misuse
     * exception.
     */
    LockHold acquire(ReadWriteOwner owner, LockMode mode, Deadline deadline) {
        try {
            ReadWriteLevels levels = acquireLevels(owner, mode, deadline);
            if (levels != null) {
                return new ReadWriteHold(this, levels);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FileLockInterruptedException(path, e);
        }
        throw TimeoutMessage.timeout(path, mode, deadline, true);
    }

    /**
     * Acquires a level, returning false at the deadline; the view methods build on this.
     */
    boolean acquireLevel(ReadWriteOwner owner, LockMode mode, Deadline deadline) throws InterruptedException {
        return acquireLevels(owner, mode, deadline) != null;
    }

    private @Nullable ReadWriteLevels acquireLevels(ReadWriteOwner owner, LockMode mode, Deadline deadline)
            throws InterruptedException {
        Attachment current = attach();
        try {
            return current.entry().acquire(owner, mode, deadline, options.pollInterval(), path);
        }
        finally {
            if (closed) {
                ReadWriteTable.INSTANCE.removeIfUnused(current.key(), current.entry());
            }
        }
    }

    /**
     * Adds a level of the mode when the caller already holds that mode through this
     * object, touching only the caller's levels and the entry's mutex (no owner object,
     * no lookup, no deadline).
     * @return the caller's levels, or null when the caller must take the general path
     */
    @Nullable ReadWriteLevels reenterAsCaller(LockMode mode) {
        ReadWriteLevels recent = recentLevels;
        if (recent == null || !isCaller(recent.owner)) {
            return null;
        }
        Attachment current = attachment;
        return current != null && current.entry().reenter(recent, mode) ? recent : null;
    }

    /**
     * Releases one level of the mode held by the caller; false if the caller held none.
     */
    boolean releaseLevelAsCaller(LockMode mode) {
        ReadWriteLevels recent = recentLevels;
        Attachment current = attachment;
        if (recent != null && current != null && recent.mode == mode && isCaller(recent.owner)
                && current.entry().release(recent)) {
            return true;
        }
        return releaseLevel(callerOwner(), mode);
    }

    /**
     * Releases the hold's own level; once its levels have ended (force release, close) it
     * releases nothing else.
     */
    void releaseLevel(ReadWriteLevels levels) {
        Attachment current = attachment;
        if (current != null) {
            current.entry().release(levels);
        }
    }

    private boolean releaseLevel(ReadWriteOwner owner, LockMode mode) {
        Attachment current = attachment;
        return current != null && current.entry().release(owner, mode);
    }

    private boolean isCaller(ReadWriteOwner owner) {
        return options.ownership() == Ownership.SHARED ? owner == sharedOwner
                : owner.thread() == Thread.currentThread();
    }

    /**
     * Called by the entry, under its mutex, when levels were taken through this object.
     */
    void levelsTaken(ReadWriteLevels levels) {
        // An asynchronous hold's owner is never the caller of a later acquire: not worth
        // remembering.
        if (levels.owner.token() == null && recentLevels != levels) {
            recentLevels = levels;
        }
    }

    /**
     * Called by the entry, under its mutex, when levels taken through this object have
     * ended.
     */
    void levelsEnded(ReadWriteLevels levels) {
        if (recentLevels == levels) {
            recentLevels = null; // nor keep the owning thread reachable
        }
    }

    /**
     * Tries the lock on the caller's thread unless futures of this lock wait (a shared
     * owner that holds it tries at once, as a synchronous acquire would), and otherwise
     * queues the future behind them ({@link AsyncReadWriteAcquisition}).
     */
    private CompletableFuture<LockHold> acquireAsync(LockMode mode, Duration timeout) {
        Deadline deadline = deadline(timeout);
        ReadWriteOwner owner = options.ownership() == Ownership.SHARED ? sharedOwner : ReadWriteOwner.ofAsyncHold(this);
        Attachment current;
        try {
            current = attach();
        }
        catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        boolean overtakes = owner == sharedOwner && current.entry().levels(owner) > 0;
        if (!Thread.currentThread().isInterrupted() && (overtakes || !AsyncWaits.hasPending(current.key()))) {
            try {
                ReadWriteLevels levels = acquireLevels(owner, mode, Deadline.after(Duration.ZERO));
                if (levels != null) {
                    return CompletableFuture.completedFuture(new ReadWriteHold(this, levels));
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        if (deadline.isExpired()) {
            return CompletableFuture.failedFuture(TimeoutMessage.timeout(path, mode, deadline, true));
        }
        return AsyncReadWriteAcquisition.start(this, current.key(), owner, mode, deadline);
    }

    /**
     * Waits for a level for the owner until the given deadline, for an asynchronous
     * acquisition's turn.
     * @return the hold, or null when none was taken in time
     */
    @Nullable LockHold acquireUntil(ReadWriteOwner owner, LockMode mode, Deadline until) throws InterruptedException {
        ReadWriteLevels levels = acquireLevels(owner, mode, until);
        return levels == null ? null : new ReadWriteHold(this, levels);
    }

    private Attachment attach() {
        Attachment current = attachment;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (closed) {
                throw ReadWriteMessages.closed(path);
            }
            current = attachment;
            if (current == null) {
                ReadWriteTable.Key key = new ReadWriteTable.Key(ReadWritePaths.canonical(path), protocol);
                ReadWriteEntry entry = ReadWriteTable.INSTANCE.attach(key, path, backends);
                current = new Attachment(key, entry, CLEANER.register(this, new Detach(key, entry)));
                attachment = current;
            }
            return current;
        }
    }

    /**
     * A {@link NativeReadWriteFileLock}: the read/write coordination over {@code flock}
     * backends.
     */
    private static final class Native extends CoordinatedReadWriteLock implements NativeReadWriteFileLock {

        Native(Path path, LockOptions options) {
            super(path, options, LockProtocol.NATIVE, FlockReadWriteBackend.factory(options.fileMode()));
        }

    }

    /**
     * A {@link SoftReadWriteFileLock}: the read/write coordination over marker-file
     * backends.
     */
    private static final class Soft extends CoordinatedReadWriteLock implements SoftReadWriteFileLock {

        Soft(Path path, LockOptions options, ReadWriteBackend.Factory backends) {
            super(path, options, LockProtocol.SOFT_READ_WRITE, backends);
        }

    }

}
