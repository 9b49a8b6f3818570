package dev.filelock.spring.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;

/**
 * The lock's own connections, apart from the application's pool so that an application
 * busy with its own work cannot starve lock statements: a small pool for acquisitions and
 * releases, one for lease renewals and one connection for the listener of releases, both
 * with the application's URL and credentials ({@link DataSourceBuilder#derivedFrom}), a
 * short connection timeout (which bounds how long a statement waits for a connection
 * while the database is down) and no failure when the database is down at startup. When
 * the application's {@link DataSource} cannot be derived from, lock statements use it
 * directly (logged).
 *
 * @since 0.1
 */
public final class JdbcLockConnections implements AutoCloseable {

    private static final Log logger = LogFactory.getLog(JdbcLockConnections.class);

    private final DataSource locks;

    private final DataSource renewals;

    private final DataSource listener;

    private JdbcLockConnections(DataSource locks, DataSource renewals, DataSource listener) {
        this.locks = locks;
        this.renewals = renewals;
        this.listener = listener;
    }

    /**
     * Creates the lock's pools from the application's {@link DataSource}.
     * @param application the application's data source, whose URL and credentials are
     * used
     * @param poolSize the largest number of connections for acquisitions and releases
     * @param connectionTimeout the longest wait for a connection, at least 250 ms
     * @return the connections
     * @throws IllegalArgumentException if the pool size is below 1 or the timeout below
     * 250 ms
     */
    public static JdbcLockConnections derivedFrom(DataSource application, int poolSize, Duration connectionTimeout) {
        Objects.requireNonNull(application, "application");
        if (poolSize < 1) {
            throw new IllegalArgumentException("Pool size " + poolSize + " must be at least 1");
        }
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("Connection timeout " + connectionTimeout + " must be at least 250ms");
        }
        HikariDataSource locks;
        try {
            locks = pool(application, "filelock-jdbc", poolSize, connectionTimeout);
        }
        catch (RuntimeException | LinkageError ex) {
            logger.warn("Lock statements use the application's DataSource, because the lock's own pool could not be "
                    + "derived from it (" + ex + "): a busy application pool delays renewals and lock waits");
            return new JdbcLockConnections(application, application, application);
        }
        return new JdbcLockConnections(locks, pool(application, "filelock-jdbc-renewal", 2, connectionTimeout),
                pool(application, "filelock-jdbc-listener", 1, connectionTimeout));
    }

    private static HikariDataSource pool(DataSource application, String name, int size, Duration connectionTimeout) {
        HikariDataSource pool = DataSourceBuilder.derivedFrom(application).type(HikariDataSource.class).build();
        pool.setPoolName(name);
        pool.setMaximumPoolSize(size);
        // One connection kept ready: opening one can take longer than the connection
        // timeout on a loaded host.
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(connectionTimeout.toMillis());
        pool.setValidationTimeout(Math.min(250, connectionTimeout.toMillis()));
        // Starts without the database: the lock must work again when it comes back,
        // without a restart.
        pool.setInitializationFailTimeout(-1);
        pool.setAutoCommit(true);
        return pool;
    }

    /**
     * Returns the connections for acquisitions and releases.
     * @return the data source
     */
    public DataSource locks() {
        return this.locks;
    }

    /**
     * Returns the connections for lease renewals.
     * @return the data source
     */
    public DataSource renewals() {
        return this.renewals;
    }

    /**
     * Returns the connection of the listener of releases ({@link JdbcLockNotifications}),
     * which keeps it open.
     * @return the data source
     */
    public DataSource listener() {
        return this.listener;
    }

    /** Closes the lock's own pools (never the application's). */
    @Override
    public void close() {
        if (this.locks instanceof HikariDataSource pool) {
            pool.close();
        }
        if (this.renewals instanceof HikariDataSource pool && pool != this.locks) {
            pool.close();
        }
        if (this.listener instanceof HikariDataSource pool && pool != this.locks) {
            pool.close();
        }
    }

}
