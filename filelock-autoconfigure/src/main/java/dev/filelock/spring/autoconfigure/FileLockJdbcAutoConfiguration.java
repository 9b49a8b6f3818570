package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import dev.filelock.spring.actuate.health.JdbcLockHealthIndicator;
import dev.filelock.spring.actuate.metrics.JdbcLeaseMetrics;
import dev.filelock.spring.jdbc.ExpiredLockCleaner;
import dev.filelock.spring.jdbc.JdbcLeaseKeeper;
import dev.filelock.spring.jdbc.JdbcLockBackend;
import dev.filelock.spring.jdbc.JdbcLockConnections;
import dev.filelock.spring.jdbc.JdbcLockNotifications;
import dev.filelock.spring.jdbc.JdbcLockRepository;
import dev.filelock.spring.jdbc.JdbcRegistryCheck;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;

/**
 * Auto-configuration of the JDBC lock backend ({@code filelock.backend=jdbc}):
 * {@link FileLocked} methods lock through Spring Integration's {@link JdbcLockRegistry}
 * (table {@code INT_LOCK}) on the database of the application's {@link DataSource}, so
 * that instances of an application on several hosts exclude each other. Lock statements
 * run on pools of the lock's own and compare expiries with the database's clock; leases
 * are renewed and watched, expired rows deleted, and the {@code filelock} health
 * indicator and lease metrics are added when their libraries are present.
 *
 * @since 0.1
 */
@AutoConfiguration(before = FileLockAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ JdbcLockRegistry.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnProperty(name = "filelock.backend", havingValue = "jdbc")
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties({ FileLockProperties.class, FileLockJdbcProperties.class })
public final class FileLockJdbcAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FileLockJdbcSchemaInitializer fileLockJdbcSchemaInitializer(DataSource dataSource,
            FileLockJdbcProperties properties) {
        return new FileLockJdbcSchemaInitializer(dataSource, properties);
    }

    @Bean
    @ConditionalOnMissingBean
    JdbcLockConnections fileLockJdbcConnections(DataSource dataSource, FileLockJdbcProperties properties) {
        if (properties.getPoolSize() < 1) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.pool-size", properties.getPoolSize(),
                    "must be at least 1");
        }
        if (properties.getConnectionTimeout().toMillis() < 250) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.connection-timeout",
                    properties.getConnectionTimeout(), "must be at least 250ms (the connection pool's minimum)");
        }
        return JdbcLockConnections.derivedFrom(dataSource, properties.getPoolSize(), properties.getConnectionTimeout());
    }

    @Bean
    @ConditionalOnMissingBean(LockRepository.class)
    @DependsOnDatabaseInitialization
    JdbcLockRepository fileLockRepository(JdbcLockConnections connections, FileLockJdbcProperties properties) {
        if (properties.getRegion().isBlank() || properties.getRegion().length() > 100) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.region", properties.getRegion(),
                    "must be 1 to 100 characters long (the INT_LOCK.REGION column)");
        }
        return new JdbcLockRepository(connections.locks(), connections.renewals(), properties.getTablePrefix(),
                properties.getRegion(), checkedTimeToLive(properties));
    }

    @Bean
    @ConditionalOnMissingBean
    JdbcLockRegistry jdbcLockRegistry(LockRepository repository, FileLockJdbcProperties jdbc,
            FileLockProperties properties) {
        JdbcLockRegistry registry = new JdbcLockRegistry(repository, checkedTimeToLive(jdbc));
        registry.setIdleBetweenTries(properties.checkedPollInterval());
        return registry;
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "filelock.jdbc.renew-leases", matchIfMissing = true)
    JdbcLeaseKeeper fileLockJdbcLeaseKeeper(LockRepository repository, FileLockJdbcProperties jdbc) {
        Duration maxHold = jdbc.getMaxHold();
        if (maxHold != null && (maxHold.isNegative() || maxHold.isZero())) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.max-hold", maxHold,
                    "must be positive (leave it unset for no maximum)");
        }
        return new JdbcLeaseKeeper(ownRepository(repository, "filelock.jdbc.renew-leases", true),
                checkedTimeToLive(jdbc), jdbc.getOnLeaseLost() == FileLockJdbcProperties.OnLeaseLost.INTERRUPT,
                maxHold);
    }

    @Bean
    ExpiredLockCleaner fileLockJdbcExpiredLockCleaner(LockRepository repository, FileLockJdbcProperties jdbc) {
        if (jdbc.getDeleteExpiredInterval().isNegative()) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.delete-expired-interval",
                    jdbc.getDeleteExpiredInterval(), "must not be negative (0 never deletes)");
        }
        return new ExpiredLockCleaner(repository, jdbc.getDeleteExpiredInterval());
    }

    @Bean
    @ConditionalOnMissingBean(LockBackend.class)
    JdbcLockBackend fileLockedBackend(JdbcLockRegistry registry, LockRepository repository,
            FileLockProperties properties, FileLockJdbcProperties jdbc, ObjectProvider<JdbcLeaseKeeper> leaseKeeper,
            ObjectProvider<JdbcLockNotifications> notifications) {
        LeaseKeeper leases = leaseKeeper.getIfAvailable();
        boolean readAsExclusive = properties.getReadModeFallback() == FileLockProperties.ReadModeFallback.EXCLUSIVE;
        try {
            JdbcLockBackend backend = new JdbcLockBackend(registry,
                    ownRepository(repository, "filelock.backend", "jdbc"), properties.getDirectory(), readAsExclusive,
                    (leases != null) ? leases : LeaseKeeper.NONE, jdbc.getConnectionTimeout());
            notifications
                .ifAvailable((releases) -> backend.setReleaseNotifications(releases, properties.checkedPollInterval()));
            return backend;
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("filelock.directory", properties.getDirectory(),
                    ex.getMessage());
        }
    }

    /**
     * Refuses at startup a missing lock table and a {@link JdbcLockRegistry} bean that
     * does not take its locks through the repository whose leases are renewed (their rows
     * would expire while held): one probe lock, taken and released. A database that does
     * not answer at startup defers the check to the first acquisition, which refuses such
     * a lock as well.
     */
    @Bean
    static SmartInitializingSingleton fileLockJdbcRegistryCheck(ObjectProvider<JdbcLockRegistry> registry,
            ObjectProvider<JdbcLeaseKeeper> leases) {
        return () -> JdbcRegistryCheck.check(registry.getObject(), leases.getIfAvailable());
    }

    private static JdbcLockRepository ownRepository(LockRepository repository, String property, Object value) {
        if (repository instanceof JdbcLockRepository own) {
            return own;
        }
        throw new InvalidConfigurationPropertyValueException(property, value,
                "the jdbc lock backend runs its "
                        + "statements through filelock's JdbcLockRepository (database time, bounded waits, its own "
                        + "connections), but the LockRepository bean is " + repository
                        + "; remove that bean and use the " + "filelock.jdbc.* properties");
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.postgresql.PGConnection")
    @ConditionalOnBooleanProperty(name = "filelock.jdbc.listen", matchIfMissing = true)
    static class NotificationsConfiguration {

        @Bean
        JdbcLockNotifications fileLockJdbcNotifications(JdbcLockConnections connections) {
            return new JdbcLockNotifications(connections.listener());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("filelock")
    static class HealthConfiguration {

        /**
         * Named so that the health component is {@code filelock}, like its enablement
         * property.
         */
        @Bean
        @ConditionalOnMissingBean(name = "filelockHealthIndicator")
        JdbcLockHealthIndicator filelockHealthIndicator(JdbcLockBackend backend, ObjectProvider<JdbcLeaseKeeper> leases,
                FileLockJdbcProperties jdbc) {
            return new JdbcLockHealthIndicator(backend, leases.getIfAvailable(), jdbc.getConnectionTimeout());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    @ConditionalOnBooleanProperty(name = "filelock.jdbc.renew-leases", matchIfMissing = true)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        JdbcLeaseMetrics fileLockJdbcLeaseMetrics(JdbcLeaseKeeper leases) {
            return new JdbcLeaseMetrics(leases);
        }

    }

    private static Duration checkedTimeToLive(FileLockJdbcProperties jdbc) {
        if (jdbc.getTimeToLive().toMillis() < 30) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.time-to-live", jdbc.getTimeToLive(),
                    "must be at least 30ms");
        }
        return jdbc.getTimeToLive();
    }

}
