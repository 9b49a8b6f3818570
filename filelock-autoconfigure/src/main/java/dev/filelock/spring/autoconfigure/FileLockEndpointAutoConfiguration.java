package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.LockBackend;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link FileLocksEndpoint} ({@code filelocks}) over the
 * {@link LockBackend} of {@code @FileLocked} methods, whichever it is, created only when
 * the endpoint is available (enabled and exposed); its delete operation needs
 * {@code management.endpoint.filelocks.access=unrestricted}.
 *
 * @since 0.1
 */
@AutoConfiguration(after = { FileLockAutoConfiguration.class, FileLockJdbcAutoConfiguration.class })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(FileLocksEndpoint.class)
public final class FileLockEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(LockBackend.class)
    FileLocksEndpoint fileLocksEndpoint(LockBackend backend) {
        return new FileLocksEndpoint(backend);
    }

}
