package dev.filelock.spring.jdbc;

import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Checks at startup that a {@link JdbcLockRegistry} takes its locks through the repository whose leases the
 * {@link JdbcLeaseKeeper} renews: a registry on another repository (another client id) would see its rows expire while
 * held, and the renewals would fail.
 */
public final class JdbcRegistryCheck {

    private static final Log logger = LogFactory.getLog(JdbcRegistryCheck.class);

    private JdbcRegistryCheck() {
    }

    /**
     * Takes and releases one probe lock through the registry and asks the lease keeper whether it could renew it.
     *
     * @param registry the registry
     * @param leases the lease keeper
     * @throws IllegalStateException if the registry does not use the lease keeper's repository
     */
    public static void check(JdbcLockRegistry registry, JdbcLeaseKeeper leases) {
        String key = "filelock-startup-check/" + UUID.randomUUID();
        Lock lock = registry.obtain(key);
        boolean locked;
        try {
            locked = lock.tryLock();
        }
        catch (RuntimeException ex) {
            logger.warn("Could not check at startup that the JdbcLockRegistry bean uses the LockRepository bean (the "
                    + "lock database did not answer: " + ex.getMessage() + "); the first lock taken checks it instead");
            return;
        }
        if (!locked) {
            return;
        }
        try {
            leases.keepAlive(key).close();
        }
        catch (IllegalStateException ex) {
            throw new IllegalStateException("The JdbcLockRegistry bean " + registry + " does not take its locks through "
                    + "the LockRepository bean whose leases filelock renews, so its locks would expire while held: "
                    + "create it on the LockRepository bean (or leave both to the auto-configuration)", ex);
        }
        finally {
            try {
                lock.unlock();
            }
            catch (RuntimeException ex) {
                logger.warn("Could not release the startup probe lock '" + key + "': " + ex.getMessage());
            }
        }
    }
}
