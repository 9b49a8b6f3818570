package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import dev.filelock.spring.actuate.endpoint.RegistryLocksEndpoint;
import dev.filelock.spring.actuate.metrics.RegistryLockMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code filelocks} endpoint, the {@code filelock.active} gauge and the {@code filelock.acquire} / {@code
 * filelock.held} observations for a registry backend ({@code filelock.backend=jdbc} or a registry bean), as {@link
 * FileLockEndpointAutoConfiguration} and {@link FileLockMetricsAutoConfiguration} provide them for files.
 *
 * @since 0.1
 */
@AutoConfiguration(after = { FileLockAutoConfiguration.class, FileLockJdbcAutoConfiguration.class,
        FileLockEndpointAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(LockRegistryBackend.class)
public final class LockRegistryBackendObservabilityAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
    @ConditionalOnAvailableEndpoint(RegistryLocksEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean({ RegistryLocksEndpoint.class, FileLocksEndpoint.class })
        RegistryLocksEndpoint registryLocksEndpoint(LockRegistryBackend backend) {
            return new RegistryLocksEndpoint(backend);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        static SmartInitializingSingleton lockRegistryBackendObservations(ObjectProvider<LockRegistryBackend> backends,
                ObjectProvider<ObservationRegistry> observationRegistry,
                ObjectProvider<FileLockProperties> properties) {
            return () -> {
                boolean pathAsTag = properties.getObject().getMetrics().isIncludePath();
                backends.orderedStream()
                    .forEach((backend) -> backend.setObservationRegistry(observationRegistry.getObject(), pathAsTag));
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RegistryLockMetrics registryLockMetrics(LockRegistryBackend backend) {
            return new RegistryLockMetrics(backend);
        }
    }
}
