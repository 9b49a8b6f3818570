package dev.filelock.spring.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Configuration properties of the JDBC lock backend ({@code filelock.jdbc.*}, used with
 * {@code filelock.backend=jdbc}), including the schema initialisation of Spring
 * Integration's tables, as Boot's {@code spring.integration.jdbc.*}.
 *
 * @since 0.1
 */
@ConfigurationProperties("filelock.jdbc")
public class FileLockJdbcProperties extends DatabaseInitializationProperties {

    private static final String SCHEMA_LOCATION = "classpath:org/springframework/integration/jdbc/schema-@@platform@@.sql";

    /**
     * How long a lock row stays valid without renewal: a process that dies holding a lock
     * blocks the others this long. Held locks are renewed every third of it while their
     * method runs.
     */
    private Duration timeToLive = JdbcLockRegistry.DEFAULT_TTL;

    /**
     * Whether to renew the rows of held locks while their method runs, so that methods
     * may run longer than the time to live.
     */
    private boolean renewLeases = true;

    /**
     * Whether to keep one connection that listens for releases (PostgreSQL
     * LISTEN/NOTIFY), so that waiters take a released lock at once instead of at their
     * next poll; turn it off where LISTEN is unavailable (a pooler in transaction mode).
     * Waiters poll either way.
     */
    private boolean listen = true;

    /**
     * What happens when the lease of a held lock lapses (its renewals failed for a whole
     * time to live, or another process took its row): it is always logged as an error,
     * counted, shown in health, and releasing the lock throws; 'interrupt' also
     * interrupts the thread running the method.
     */
    private OnLeaseLost onLeaseLost = OnLeaseLost.LOG;

    /**
     * Longest time the lease of a held lock is renewed (ShedLock's lockAtMostFor): then
     * renewals stop, the holder is told as for a lost lease (on-lease-lost), and the row
     * lapses one time to live later at the latest, so another process can take the lock
     * while the method still runs. Unset: renewed while the method runs.
     */
    private @Nullable Duration maxHold;

    /**
     * Largest number of connections of the lock's own pool for acquisitions and releases
     * (renewals have two of their own); the pool is derived from the application's
     * DataSource.
     */
    private int poolSize = 4;

    /**
     * Longest wait for a connection of the lock's own pools (at least 250ms): while the
     * database is down, a lock wait may end this much later than its timeout.
     */
    private Duration connectionTimeout = Duration.ofSeconds(1);

    /**
     * Time between two deletions of the region's expired rows (left by processes that
     * died holding a lock); 0 never deletes them.
     */
    private Duration deleteExpiredInterval = Duration.ofMinutes(10);

    /**
     * Region of the lock rows (INT_LOCK.REGION, at most 100 characters); applications
     * sharing a region and a key exclude each other.
     */
    private String region = "DEFAULT";

    /**
     * Prefix of the lock table name: the table is '<prefix>LOCK'.
     */
    private String tablePrefix = DefaultLockRepository.DEFAULT_TABLE_PREFIX;

    @Override
    public String getDefaultSchemaLocation() {
        return SCHEMA_LOCATION;
    }

    public Duration getTimeToLive() {
        return this.timeToLive;
    }

    public void setTimeToLive(Duration timeToLive) {
        this.timeToLive = timeToLive;
    }

    public boolean isListen() {
        return this.listen;
    }

    public void setListen(boolean listen) {
        this.listen = listen;
    }

    public boolean isRenewLeases() {
        return this.renewLeases;
    }

    public void setRenewLeases(boolean renewLeases) {
        this.renewLeases = renewLeases;
    }

    public OnLeaseLost getOnLeaseLost() {
        return this.onLeaseLost;
    }

    public void setOnLeaseLost(OnLeaseLost onLeaseLost) {
        this.onLeaseLost = onLeaseLost;
    }

    public @Nullable Duration getMaxHold() {
        return this.maxHold;
    }

    public void setMaxHold(@Nullable Duration maxHold) {
        this.maxHold = maxHold;
    }

    public int getPoolSize() {
        return this.poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public Duration getConnectionTimeout() {
        return this.connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public Duration getDeleteExpiredInterval() {
        return this.deleteExpiredInterval;
    }

    public void setDeleteExpiredInterval(Duration deleteExpiredInterval) {
        this.deleteExpiredInterval = deleteExpiredInterval;
    }

    public String getRegion() {
        return this.region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public String getTablePrefix() {
        return this.tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    /**
     * What happens when the lease of a held lock lapses, besides the error log, the
     * metric and the health status.
     */
    public enum OnLeaseLost {

        /** Nothing more. */
        LOG,

        /**
         * Interrupt the thread that took the lock, so that an interruptible method stops.
         */
        INTERRUPT

    }

}
