package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.actuate.metrics.FileLockMetrics;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import dev.filelock.spring.observation.FileLockObservationConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration for lock metrics and tracing, the same for every backend: each
 * {@link FileLockRegistry} and {@link LockRegistryBackend} records the
 * {@code filelock.acquire} and {@code filelock.held} observations when an
 * {@link ObservationRegistry} exists (Spring Boot turns them into timers and spans), with
 * the key values of a {@link FileLockObservationConvention} bean if there is one;
 * {@link FileLockMetrics} adds the {@code filelock.active} gauge of the backend when
 * Micrometer's {@link MeterRegistry} does.
 * {@code management.observations.enable.filelock=false} turns the observations off.
 *
 * @since 0.1
 */
@AutoConfiguration(after = { FileLockAutoConfiguration.class, FileLockJdbcAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(LockBackend.class)
public final class FileLockMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ObservationRegistry.class)
    static class FileLockObservationConfiguration {

        /**
         * Instruments every backend once all singletons exist, user-defined registries
         * included.
         */
        @Bean
        static SmartInitializingSingleton fileLockRegistryObservations(ObjectProvider<FileLockRegistry> registries,
                ObjectProvider<LockRegistryBackend> backends, ObjectProvider<ObservationRegistry> observationRegistry,
                ObjectProvider<FileLockObservationConvention> conventions,
                ObjectProvider<FileLockProperties> properties) {
            return () -> {
                ObservationRegistry observations = observationRegistry.getObject();
                FileLockObservationConvention convention = convention(conventions, properties.getObject());
                registries.orderedStream().forEach((registry) -> {
                    registry.setObservationRegistry(observations);
                    registry.setObservationConvention(convention);
                });
                backends.orderedStream().forEach((backend) -> {
                    backend.setObservationRegistry(observations);
                    backend.setObservationConvention(convention);
                });
            };
        }

        /**
         * The user's convention wins; otherwise the default one, with the path as a tag
         * if asked for.
         */
        private static @Nullable FileLockObservationConvention convention(
                ObjectProvider<FileLockObservationConvention> conventions, FileLockProperties properties) {
            FileLockObservationConvention custom = conventions.getIfUnique();
            if (custom != null) {
                return custom;
            }
            return properties.getMetrics().isIncludePath() ? new DefaultFileLockObservationConvention(true) : null;
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class FileLockMeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnSingleCandidate(LockBackend.class)
        FileLockMetrics fileLockMetrics(LockBackend backend) {
            return new FileLockMetrics(backend);
        }

    }

}
