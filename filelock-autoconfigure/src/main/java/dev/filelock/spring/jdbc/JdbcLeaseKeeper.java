package dev.filelock.spring.jdbc;

import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.integration.util.UUIDConverter;

/**
 * Keeps the {@code INT_LOCK} rows of held {@link JdbcLockRegistry} locks from expiring: every third of the time to
 * live, it pushes the row's expiry one time to live ahead, until the hold is released.
 *
 * <p>{@link JdbcLockRegistry#renewLock(Object)} must be called by the thread that holds the lock, which is busy running
 * the locked method, so the renewal goes to the {@link LockRepository} instead: its update matches only rows of this
 * repository's client id, so it never extends a lock that another process took over. If a renewal finds the row gone
 * (the database was unreachable for longer than the time to live and another process took the lock), the loss is
 * logged as an error and releasing the hold throws {@link java.util.ConcurrentModificationException}. Keys are mapped to
 * rows as {@link JdbcLockRegistry} does by default (a name-based UUID of the key).
 */
public final class JdbcLeaseKeeper implements LeaseKeeper, AutoCloseable {

    private static final Log logger = LogFactory.getLog(JdbcLeaseKeeper.class);

    private final LockRepository repository;

    private final Duration timeToLive;

    private final long intervalMillis;

    private final ScheduledThreadPoolExecutor scheduler;

    /**
     * Creates a lease keeper with its own renewal thread.
     *
     * @param repository the repository of the registry whose locks are renewed
     * @param timeToLive the registry's time to live; each renewal extends a row by this much
     * @throws IllegalArgumentException if the time to live is shorter than 3 ms
     */
    public JdbcLeaseKeeper(LockRepository repository, Duration timeToLive) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        this.intervalMillis = timeToLive.toMillis() / 3;
        if (this.intervalMillis < 1) {
            throw new IllegalArgumentException("Lock time to live " + timeToLive + " is too short to be renewed");
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
            Thread thread = new Thread(task, "filelock-jdbc-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Lease keepAlive(String registryKey) {
        Renewal renewal = new Renewal(registryKey, UUIDConverter.getUUID(registryKey).toString());
        renewal.start();
        return renewal;
    }

    /** Stops the renewal thread; leases still open are no longer renewed. */
    @Override
    public void close() {
        this.scheduler.shutdownNow();
    }

    private final class Renewal implements Lease {

        private final String key;

        private final String row;

        private final ReentrantLock renewing = new ReentrantLock();

        private boolean closed;

        private @Nullable ScheduledFuture<?> schedule;

        Renewal(String key, String row) {
            this.key = key;
            this.row = row;
        }

        void start() {
            long interval = JdbcLeaseKeeper.this.intervalMillis;
            this.schedule = JdbcLeaseKeeper.this.scheduler.scheduleWithFixedDelay(this::renew, interval, interval,
                    TimeUnit.MILLISECONDS);
        }

        private void renew() {
            this.renewing.lock();
            try {
                if (this.closed) {
                    return;
                }
                boolean renewed;
                try {
                    renewed = JdbcLeaseKeeper.this.repository.renew(this.row, JdbcLeaseKeeper.this.timeToLive);
                }
                catch (RuntimeException ex) {
                    logger.warn("Could not renew the lease of lock '" + this.key + "'; retrying in "
                            + JdbcLeaseKeeper.this.intervalMillis + " ms", ex);
                    return;
                }
                if (!renewed) {
                    logger.error("The lease of lock '" + this.key + "' expired before it could be renewed: another "
                            + "process may hold the lock now, and releasing it will fail");
                    stop();
                }
            }
            finally {
                this.renewing.unlock();
            }
        }

        @Override
        public void close() {
            // Waits for a renewal in progress, so that no renewal runs after the row is deleted.
            this.renewing.lock();
            try {
                stop();
            }
            finally {
                this.renewing.unlock();
            }
        }

        private void stop() {
            this.closed = true;
            ScheduledFuture<?> scheduled = this.schedule;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
