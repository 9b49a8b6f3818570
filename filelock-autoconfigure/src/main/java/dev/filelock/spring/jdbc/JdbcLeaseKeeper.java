package dev.filelock.spring.jdbc;

import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;

/**
 * Keeps the {@code INT_LOCK} rows of held locks from expiring: every third of the time to
 * live it extends a row by one time to live from the database's now, on the lock's own
 * renewal connections, retrying a failed renewal every tenth of the time to live while
 * the lease lasts.
 *
 * <p>
 * Each lease knows a lower bound of its expiry in the database (when its last successful
 * renewal was sent, plus the time to live, by this JVM's monotonic clock) and counts
 * itself lost at nine tenths of it. When that moment passes without a renewal, or a
 * renewal finds the row gone or taken, the lease is <em>lost</em>: from then on
 * {@link #isHeld} answers {@code false}, the loss is logged as an error and counted, the
 * holding thread is interrupted if so configured, renewals stop, and closing the lease
 * throws {@link ConcurrentModificationException} (after the lock is released), so the
 * caller learns that the method may have run without exclusion. Keys are mapped to rows
 * as {@link JdbcLockRegistry} does by default (a name-based UUID).
 *
 * @since 0.1
 */
public final class JdbcLeaseKeeper implements LeaseKeeper, AutoCloseable {

    private static final Log logger = LogFactory.getLog(JdbcLeaseKeeper.class);

    private final JdbcLockRepository repository;

    private final Duration timeToLive;

    private final long safeLeaseNanos;

    private final long intervalNanos;

    private final long retryNanos;

    private final boolean interruptOnLoss;

    private final @Nullable Duration maxHold;

    private final ScheduledThreadPoolExecutor scheduler;

    private final Set<Renewal> open = ConcurrentHashMap.newKeySet();

    private final AtomicLong renewed = new AtomicLong();

    private final AtomicLong late = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    private final AtomicLong lost = new AtomicLong();

    /**
     * Creates a lease keeper with its own renewal threads.
     * @param repository the repository of the registry whose locks are renewed
     * @param timeToLive the registry's time to live; each renewal extends a row by this
     * much
     * @param interruptOnLoss whether a lost lease also interrupts the thread that
     * acquired the lock
     * @throws IllegalArgumentException if the time to live is shorter than 30 ms
     */
    public JdbcLeaseKeeper(JdbcLockRepository repository, Duration timeToLive, boolean interruptOnLoss) {
        this(repository, timeToLive, interruptOnLoss, null);
    }

    /**
     * Creates a lease keeper with its own renewal threads that stops renewing a lease
     * once it has been held for the maximum hold, so that its row lapses one time to live
     * later at the latest (ShedLock's {@code lockAtMostFor}); the holder is told as for a
     * lost lease.
     * @param repository the repository of the registry whose locks are renewed
     * @param timeToLive the registry's time to live; each renewal extends a row by this
     * much
     * @param interruptOnLoss whether a lost lease also interrupts the thread that
     * acquired the lock
     * @param maxHold how long a lease is renewed at most; {@code null} for no limit
     * @throws IllegalArgumentException if the time to live is shorter than 30 ms, or the
     * maximum hold is not positive
     */
    public JdbcLeaseKeeper(JdbcLockRepository repository, Duration timeToLive, boolean interruptOnLoss,
            @Nullable Duration maxHold) {
        if (maxHold != null && (maxHold.isNegative() || maxHold.isZero())) {
            throw new IllegalArgumentException("The maximum hold of a lock must be positive, not " + maxHold);
        }
        this.maxHold = maxHold;
        this.repository = Objects.requireNonNull(repository, "repository");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.toMillis() < 30) {
            throw new IllegalArgumentException("Lock time to live " + timeToLive + " is too short to be renewed");
        }
        // A lease counts as lost a tenth of the time to live before its expiry in the
        // database could come, at the
        // soonest: the holder learns it while the lock is still its own, despite
        // scheduling delays and clock drift.
        this.safeLeaseNanos = timeToLive.toNanos() / 10 * 9;
        this.intervalNanos = this.safeLeaseNanos / 3;
        this.retryNanos = this.safeLeaseNanos / 10;
        this.interruptOnLoss = interruptOnLoss;
        // Two threads: a lease's deadline check is never stuck behind another lease's
        // slow renewal for long.
        this.scheduler = new ScheduledThreadPoolExecutor(2, (task) -> {
            Thread thread = new Thread(task, "filelock-jdbc-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts renewing the lease of a lock this JVM just acquired through the repository.
     * @throws IllegalStateException if the repository did not take the lock (the registry
     * uses another repository, so renewals would never match its row)
     */
    @Override
    public Lease keepAlive(String registryKey) {
        String row = UUIDConverter.getUUID(registryKey).toString();
        Long start = this.repository.leaseStart(row);
        if (start == null) {
            throw new IllegalStateException("The lock '" + registryKey + "' was not taken through the LockRepository "
                    + "whose leases filelock renews (" + this.repository + "): the JdbcLockRegistry bean must be "
                    + "created on the LockRepository bean, or its locks expire after the time to live while held");
        }
        Renewal renewal = new Renewal(registryKey, row, start + this.safeLeaseNanos, Thread.currentThread());
        this.open.add(renewal);
        renewal.start();
        return renewal;
    }

    /**
     * Tells whether the lock of a key was taken through the repository whose leases this
     * keeper renews (and is still held through it).
     * @param registryKey the registry key
     * @return whether renewals of the key's row can succeed
     */
    public boolean renews(String registryKey) {
        return this.repository.leaseStart(UUIDConverter.getUUID(registryKey).toString()) != null;
    }

    /**
     * Tells whether this JVM still holds a lease of the key: acquired, not released, and
     * not lost.
     * @param registryKey the registry key
     * @return whether a held lease of the key is still valid
     */
    public boolean isHeld(String registryKey) {
        for (Renewal renewal : this.open) {
            if (renewal.key.equals(registryKey) && renewal.isValid()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns how many leases are held (acquired and not yet released), lost ones
     * included.
     * @return the number of open leases
     */
    public int openLeases() {
        return this.open.size();
    }

    /**
     * Returns how many open leases are lost: their locks are still held by a method, but
     * no longer exclusively.
     * @return the number of lost open leases
     */
    public int lostOpenLeases() {
        return (int) this.open.stream().filter((renewal) -> !renewal.isValid()).count();
    }

    /**
     * Returns the renewals so far, by outcome: {@code renewed} (in time), {@code late}
     * (succeeded with less than a third of the time to live left), {@code failed} (the
     * database did not answer; retried) and {@code lost} (leases lost).
     * @param outcome one of {@code renewed}, {@code late}, {@code failed}, {@code lost}
     * @return the count
     * @throws IllegalArgumentException for another outcome
     */
    public long renewals(String outcome) {
        return switch (outcome) {
            case "renewed" -> this.renewed.get();
            case "late" -> this.late.get();
            case "failed" -> this.failed.get();
            case "lost" -> this.lost.get();
            default -> throw new IllegalArgumentException("Unknown renewal outcome '" + outcome + "'");
        };
    }

    /**
     * Returns the time to live of the leases.
     * @return the time to live
     */
    public Duration timeToLive() {
        return this.timeToLive;
    }

    /** Stops the renewal threads; leases still open are no longer renewed. */
    @Override
    public void close() {
        this.scheduler.shutdownNow();
    }

    private final class Renewal implements Lease {

        private final String key;

        private final String row;

        private final Thread owner;

        private final ReentrantLock renewing = new ReentrantLock();

        private final AtomicBoolean lostFlag = new AtomicBoolean();

        private volatile long validUntil;

        private volatile boolean closed;

        private volatile @Nullable String lossReason;

        private volatile @Nullable ScheduledFuture<?> next;

        private volatile @Nullable ScheduledFuture<?> watch;

        private volatile @Nullable ScheduledFuture<?> limit;

        Renewal(String key, String row, long validUntil, Thread owner) {
            this.key = key;
            this.row = row;
            this.validUntil = validUntil;
            this.owner = owner;
        }

        @Override
        public boolean isValid() {
            return !this.lostFlag.get() && this.validUntil - System.nanoTime() > 0;
        }

        void start() {
            this.renewing.lock();
            try {
                schedule(JdbcLeaseKeeper.this.intervalNanos);
                watchDeadline();
                Duration most = JdbcLeaseKeeper.this.maxHold;
                if (most != null) {
                    this.limit = JdbcLeaseKeeper.this.scheduler.schedule(() -> lose("it was held for longer than "
                            + "filelock.jdbc.max-hold (" + most + "), so its renewals stopped"), most.toNanos(),
                            TimeUnit.NANOSECONDS);
                }
            }
            finally {
                this.renewing.unlock();
            }
        }

        private void schedule(long delayNanos) {
            this.next = JdbcLeaseKeeper.this.scheduler.schedule(this::renew, Math.max(0, delayNanos),
                    TimeUnit.NANOSECONDS);
        }

        /**
         * Runs when the lease would end without a renewal, on another thread than a
         * renewal stuck in a statement.
         */
        private void watchDeadline() {
            this.watch = JdbcLeaseKeeper.this.scheduler.schedule(() -> {
                if (this.closed || this.lostFlag.get()) {
                    return;
                }
                long left = this.validUntil - System.nanoTime();
                if (left > 0) {
                    watchDeadline();
                    return;
                }
                lose("it was not renewed in time (within nine tenths of the time to live, "
                        + JdbcLeaseKeeper.this.timeToLive + ")");
            }, Math.max(0, this.validUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        private void renew() {
            this.renewing.lock();
            try {
                if (this.closed || this.lostFlag.get()) {
                    return;
                }
                long sent = System.nanoTime();
                long left = this.validUntil - sent;
                if (left <= 0) {
                    lose("it was not renewed in time (within nine tenths of the time to live, "
                            + JdbcLeaseKeeper.this.timeToLive + ")");
                    return;
                }
                boolean renewed;
                try {
                    renewed = JdbcLeaseKeeper.this.repository.renew(this.row, JdbcLeaseKeeper.this.timeToLive,
                            this.validUntil);
                }
                catch (RuntimeException ex) {
                    JdbcLeaseKeeper.this.failed.incrementAndGet();
                    long retry = Math.min(JdbcLeaseKeeper.this.retryNanos, this.validUntil - System.nanoTime());
                    logger.warn("Could not renew the lease of lock '" + this.key + "' (" + ex.getMessage()
                            + "); retrying in " + TimeUnit.NANOSECONDS.toMillis(Math.max(0, retry))
                            + " ms, while the lease lasts");
                    if (retry <= 0) {
                        lose("the lock database did not answer its renewals within nine tenths of the time to "
                                + "live (" + JdbcLeaseKeeper.this.timeToLive + ")");
                        return;
                    }
                    schedule(retry);
                    return;
                }
                if (!renewed) {
                    lose("its row was gone or taken by another process when it was renewed");
                    return;
                }
                // The lost flag may have been set by the deadline watch while this
                // renewal ran: it stays lost.
                this.validUntil = sent + JdbcLeaseKeeper.this.safeLeaseNanos;
                if (left < JdbcLeaseKeeper.this.intervalNanos) {
                    JdbcLeaseKeeper.this.late.incrementAndGet();
                }
                else {
                    JdbcLeaseKeeper.this.renewed.incrementAndGet();
                }
                schedule(JdbcLeaseKeeper.this.intervalNanos);
            }
            finally {
                this.renewing.unlock();
            }
        }

        private void lose(String reason) {
            if (this.closed || !this.lostFlag.compareAndSet(false, true)) {
                return;
            }
            this.lossReason = reason;
            JdbcLeaseKeeper.this.lost.incrementAndGet();
            logger.error("The lease of lock '" + this.key + "' may have lapsed because " + reason + ": another process "
                    + "may take the lock now, so the method holding it (thread '" + this.owner.getName()
                    + "') no longer runs exclusively"
                    + (JdbcLeaseKeeper.this.interruptOnLoss ? "; interrupting that thread" : ""));
            cancel();
            if (JdbcLeaseKeeper.this.interruptOnLoss) {
                this.owner.interrupt();
            }
        }

        /**
         * Stops renewing, waiting for a renewal in progress so that none runs after the
         * row is deleted.
         * @throws ConcurrentModificationException if the lease was lost while held
         */
        @Override
        public void close() {
            this.renewing.lock();
            try {
                this.closed = true;
                cancel();
            }
            finally {
                this.renewing.unlock();
                JdbcLeaseKeeper.this.open.remove(this);
            }
            String reason = this.lossReason;
            if (this.lostFlag.get() && reason != null) {
                throw new ConcurrentModificationException(
                        "The lease of lock '" + this.key + "' lapsed while it was " + "held, because " + reason
                                + ": the method may have run while another process held the lock " + "(expiration)");
            }
        }

        private void cancel() {
            ScheduledFuture<?> scheduled = this.next;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            ScheduledFuture<?> deadline = this.watch;
            if (deadline != null) {
                deadline.cancel(false);
            }
            ScheduledFuture<?> maximum = this.limit;
            if (maximum != null) {
                maximum.cancel(false);
            }
        }

    }

}
