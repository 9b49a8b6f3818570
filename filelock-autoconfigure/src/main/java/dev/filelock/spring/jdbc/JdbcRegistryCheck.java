package dev.filelock.spring.jdbc;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Checks at startup that the lock table answers and that a {@link JdbcLockRegistry} takes
 * its locks through the repository whose leases the {@link JdbcLeaseKeeper} renews: a
 * registry on another repository (another client id) would see its rows expire while
 * held, and the renewals would fail. A database that does not answer at startup is
 * logged, not refused: the lock works once it is back.
 *
 * @since 0.1
 */
public final class JdbcRegistryCheck {

    private static final Log logger = LogFactory.getLog(JdbcRegistryCheck.class);

    /**
     * How long the probe retries while the database does not answer, before startup goes
     * on without it.
     */
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private JdbcRegistryCheck() {
    }

    /**
     * Takes and releases one probe lock through the registry and, if leases are renewed,
     * asks the lease keeper whether it could renew it.
     * @param registry the registry
     * @param leases the lease keeper, or {@code null} if leases are not renewed
     * @throws IllegalStateException if the registry does not use the lease keeper's
     * repository, or the database answered the probe with an error (a missing table, say)
     */
    public static void check(JdbcLockRegistry registry, @Nullable JdbcLeaseKeeper leases) {
        String key = "filelock-startup-check/" + UUID.randomUUID();
        Lock lock = registry.obtain(key);
        boolean locked;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                locked = lock.tryLock();
                break;
            }
            catch (RuntimeException ex) {
                // A cold pool may need longer than its connection timeout for its first
                // connection.
                if (isUnanswered(ex) && System.nanoTime() - deadline < 0) {
                    continue;
                }
                refuseOrWarn(ex);
                return;
            }
        }
        if (!locked || leases == null) {
            if (locked) {
                release(lock, key);
            }
            return;
        }
        boolean renewable;
        try {
            renewable = leases.renews(key);
        }
        finally {
            release(lock, key);
        }
        if (!renewable) {
            throw new IllegalStateException("The JdbcLockRegistry bean " + registry
                    + " does not take its locks through "
                    + "the LockRepository bean whose leases filelock renews, so its locks would expire while held: "
                    + "create it on the LockRepository bean (or leave both to the auto-configuration)");
        }
    }

    private static void refuseOrWarn(RuntimeException ex) {
        if (isUnanswered(ex)) {
            logger.warn("Could not check the lock table at startup (the lock database did not answer: "
                    + NestedExceptionUtils.getMostSpecificCause(ex).getMessage()
                    + "); the first lock taken checks it instead");
            return;
        }
        throw new IllegalStateException("The lock database refused a probe lock at startup: "
                + NestedExceptionUtils.getMostSpecificCause(ex).getMessage()
                + " (do the lock table and its fencing token sequence exist? see filelock.jdbc.initialize-schema and "
                + "filelock.jdbc.table-prefix)", ex);
    }

    private static boolean isUnanswered(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JdbcLockRepository.UnansweredException) {
                return true;
            }
        }
        return false;
    }

    private static void release(Lock lock, String key) {
        try {
            lock.unlock();
        }
        catch (RuntimeException ex) {
            logger.warn("Could not release the startup probe lock '" + key + "': " + ex.getMessage());
        }
    }

}
