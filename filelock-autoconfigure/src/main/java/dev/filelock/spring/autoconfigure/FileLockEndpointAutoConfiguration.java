package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link FileLocksEndpoint} ({@code filelocks}), created only when the endpoint is
 * available (enabled and exposed); its delete operation needs {@code management.endpoint.filelocks.access=unrestricted}.
 *
 * @since 0.1
 */
@AutoConfiguration(after = FileLockAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(FileLocksEndpoint.class)
public final class FileLockEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(FileLockRegistry.class)
    FileLocksEndpoint fileLocksEndpoint(FileLockRegistry registry) {
        return new FileLocksEndpoint(registry);
    }
}
