package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.actuate.health.FileLockHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link FileLockHealthIndicator}, reported as
 * {@code filelock} and turned off with {@code management.health.filelock.enabled=false}.
 *
 * @since 0.1
 */
@AutoConfiguration(after = FileLockAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnEnabledHealthIndicator.class)
@ConditionalOnBean(FileLockRegistry.class)
@ConditionalOnEnabledHealthIndicator("filelock")
public final class FileLockHealthContributorAutoConfiguration {

    /**
     * Named so that the health component is {@code filelock}, like its enablement
     * property.
     */
    @Bean
    @ConditionalOnMissingBean(name = "filelockHealthIndicator")
    FileLockHealthIndicator filelockHealthIndicator(FileLockRegistry registry, FileLockProperties properties) {
        return new FileLockHealthIndicator(registry.directory(), properties.getType().isSoft(),
                properties.getHealth().getMaxHold(), properties.getHealth().getMaxHoldExclude());
    }

}
