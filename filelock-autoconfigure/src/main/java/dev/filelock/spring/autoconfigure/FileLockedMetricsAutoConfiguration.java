package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.actuate.metrics.FileLockedSkipMetrics;
import dev.filelock.spring.aop.FileLockedAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code filelock.skipped} counter of {@code @FileLocked} calls skipped on timeout,
 * whatever the lock backend, when Micrometer's {@link MeterRegistry} exists.
 *
 * @since 0.1
 */
@AutoConfiguration(after = FileLockAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, FileLockedAdvisor.class })
public final class FileLockedMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FileLockedSkipMetrics fileLockedSkipMetrics(MeterRegistry registry) {
        return new FileLockedSkipMetrics(registry);
    }

}
