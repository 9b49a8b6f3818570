package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import dev.filelock.spring.jdbc.JdbcLeaseKeeper;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Auto-configuration of the JDBC lock backend ({@code filelock.backend=jdbc}): {@link FileLocked} methods lock through
 * Spring Integration's {@link JdbcLockRegistry} on the application's {@link DataSource} (table {@code INT_LOCK}), so
 * that instances of an application on several hosts exclude each other.
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
    @ConditionalOnMissingBean(LockRepository.class)
    @DependsOnDatabaseInitialization
    DefaultLockRepository fileLockRepository(DataSource dataSource, FileLockJdbcProperties properties) {
        if (properties.getRegion().isBlank() || properties.getRegion().length() > 100) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.region", properties.getRegion(),
                    "must be 1 to 100 characters long (the INT_LOCK.REGION column)");
        }
        DefaultLockRepository repository = new DefaultLockRepository(dataSource);
        repository.setRegion(properties.getRegion());
        repository.setPrefix(properties.getTablePrefix());
        // Lock statements run in their own transactions anyway; a private manager spares the lookup of a unique one.
        repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
        return repository;
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
        return new JdbcLeaseKeeper(repository, checkedTimeToLive(jdbc));
    }

    @Bean
    @ConditionalOnMissingBean(LockBackend.class)
    LockRegistryBackend fileLockedBackend(JdbcLockRegistry registry, FileLockProperties properties,
            ObjectProvider<JdbcLeaseKeeper> leaseKeeper) {
        LeaseKeeper leases = leaseKeeper.getIfAvailable();
        return FileLockAutoConfiguration.registryBackend("jdbc", registry, properties,
                (leases != null) ? leases : LeaseKeeper.NONE);
    }

    private static Duration checkedTimeToLive(FileLockJdbcProperties jdbc) {
        if (jdbc.getTimeToLive().toMillis() < 3) {
            throw new InvalidConfigurationPropertyValueException("filelock.jdbc.time-to-live", jdbc.getTimeToLive(),
                    "must be at least 3ms");
        }
        return jdbc.getTimeToLive();
    }
}
