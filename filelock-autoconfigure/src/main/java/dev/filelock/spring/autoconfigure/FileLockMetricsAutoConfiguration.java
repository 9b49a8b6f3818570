package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.actuate.metrics.FileLockMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration for file lock metrics and tracing: the {@link FileLockRegistry} records {@code filelock.acquire}
 * and {@code filelock.held} observations when an {@link ObservationRegistry} exists (Spring Boot turns them into
 * timers and spans), and {@link FileLockMetrics} adds the {@code filelock.active} gauge when Micrometer's
 * {@link MeterRegistry} does. {@code management.observations.enable.filelock=false} turns the observations off.
 *
 * @since 0.1
 */
@AutoConfiguration(after = FileLockAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(FileLockRegistry.class)
public final class FileLockMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ObservationRegistry.class)
    static class FileLockObservationConfiguration {

        /** Instruments every registry once all singletons exist, user-defined registries included. */
        @Bean
        static SmartInitializingSingleton fileLockRegistryObservations(ObjectProvider<FileLockRegistry> registries,
                ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<FileLockProperties> properties) {
            return () -> {
                boolean pathAsTag = properties.getObject().getMetrics().isIncludePath();
                registries.orderedStream()
                    .forEach((registry) -> registry.setObservationRegistry(observationRegistry.getObject(), pathAsTag));
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class FileLockMeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        FileLockMetrics fileLockMetrics() {
            return new FileLockMetrics();
        }
    }
}
