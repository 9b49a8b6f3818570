package dev.filelock.spring.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.integration.jdbc.lock.LockRepository;

/**
 * Deletes expired lock rows of the region periodically
 * ({@link LockRepository#deleteExpired()}), so that the rows of processes that died
 * holding a lock do not stay for ever when nobody takes their key again.
 *
 * @since 0.1
 */
public final class ExpiredLockCleaner implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(ExpiredLockCleaner.class);

    private final ScheduledThreadPoolExecutor scheduler;

    /**
     * Starts deleting expired rows every interval, the first time one interval from now.
     * @param repository the repository whose region is cleaned
     * @param interval the time between two deletions; zero never deletes
     * @throws IllegalArgumentException if the interval is negative
     */
    public ExpiredLockCleaner(LockRepository repository, Duration interval) {
        Objects.requireNonNull(repository, "repository");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("Interval " + interval + " must not be negative");
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
            Thread thread = new Thread(task, "filelock-jdbc-delete-expired");
            thread.setDaemon(true);
            return thread;
        });
        if (interval.isZero()) {
            return;
        }
        this.scheduler.scheduleWithFixedDelay(() -> {
            try {
                repository.deleteExpired();
            }
            catch (RuntimeException ex) {
                logger.warn("Could not delete expired lock rows (retrying in " + interval + "): " + ex.getMessage());
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops deleting. */
    @Override
    public void close() {
        this.scheduler.shutdownNow();
    }

}
