package dev.filelock.spring.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

/**
 * Configuration properties of the JDBC lock backend ({@code filelock.jdbc.*}, used with {@code filelock.backend=jdbc}),
 * including the schema initialisation of Spring Integration's tables, as Boot's {@code spring.integration.jdbc.*}.
 */
@ConfigurationProperties("filelock.jdbc")
public class FileLockJdbcProperties extends DatabaseInitializationProperties {

    private static final String SCHEMA_LOCATION = "classpath:org/springframework/integration/jdbc/schema-@@platform@@.sql";

    /**
     * How long a lock row stays valid without renewal: a process that dies holding a lock blocks the others this
     * long. Held locks are renewed every third of it while their method runs.
     */
    private Duration timeToLive = JdbcLockRegistry.DEFAULT_TTL;

    /**
     * Whether to renew the rows of held locks while their method runs, so that methods may run longer than the time
     * to live.
     */
    private boolean renewLeases = true;

    /**
     * Region of the lock rows (INT_LOCK.REGION, at most 100 characters); applications sharing a region and a key
     * exclude each other.
     */
    private String region = "DEFAULT";

    /**
     * Prefix of the lock table name: the table is '<prefix>LOCK'.
     */
    private String tablePrefix = DefaultLockRepository.DEFAULT_TABLE_PREFIX;

    /**
     * Returns Spring Integration's schema script, for the platform of the database.
     *
     * @return the default schema location
     */
    @Override
    public String getDefaultSchemaLocation() {
        return SCHEMA_LOCATION;
    }

    /**
     * Returns how long a lock row stays valid without renewal.
     *
     * @return the time to live
     */
    public Duration getTimeToLive() {
        return this.timeToLive;
    }

    /**
     * Sets how long a lock row stays valid without renewal.
     *
     * @param timeToLive at least 3 ms
     */
    public void setTimeToLive(Duration timeToLive) {
        this.timeToLive = timeToLive;
    }

    /**
     * Returns whether the rows of held locks are renewed while their method runs.
     *
     * @return whether leases are renewed
     */
    public boolean isRenewLeases() {
        return this.renewLeases;
    }

    /**
     * Sets whether the rows of held locks are renewed while their method runs.
     *
     * @param renewLeases whether to renew leases
     */
    public void setRenewLeases(boolean renewLeases) {
        this.renewLeases = renewLeases;
    }

    /**
     * Returns the region of the lock rows.
     *
     * @return the region
     */
    public String getRegion() {
        return this.region;
    }

    /**
     * Sets the region of the lock rows.
     *
     * @param region 1 to 100 characters
     */
    public void setRegion(String region) {
        this.region = region;
    }

    /**
     * Returns the prefix of the lock table name.
     *
     * @return the prefix
     */
    public String getTablePrefix() {
        return this.tablePrefix;
    }

    /**
     * Sets the prefix of the lock table name.
     *
     * @param tablePrefix the prefix, such as {@code INT_}
     */
    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }
}
