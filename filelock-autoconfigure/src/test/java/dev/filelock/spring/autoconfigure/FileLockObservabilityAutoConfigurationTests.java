package dev.filelock.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import dev.filelock.spring.actuate.health.FileLockHealthIndicator;
import dev.filelock.spring.actuate.metrics.FileLockMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The conditions of {@link FileLockEndpointAutoConfiguration},
 * {@link FileLockHealthContributorAutoConfiguration} and
 * {@link FileLockMetricsAutoConfiguration}.
 */
class FileLockObservabilityAutoConfigurationTests {

    @TempDir
    Path directory;

    private WebApplicationContextRunner endpointRunner() {
        return new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockAutoConfiguration.class, FileLockEndpointAutoConfiguration.class,
                            EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    private ApplicationContextRunner healthRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class,
                    FileLockHealthContributorAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    private ApplicationContextRunner metricsRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockAutoConfiguration.class, FileLockMetricsAutoConfiguration.class,
                            ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    @Test
    void endpointIsCreatedWhenExposed() {
        endpointRunner().withPropertyValues("management.endpoints.web.exposure.include=filelocks")
            .run((context) -> assertThat(context).hasSingleBean(FileLocksEndpoint.class));
    }

    @Test
    void endpointIsNotCreatedUnlessExposed() {
        endpointRunner().run((context) -> assertThat(context).doesNotHaveBean(FileLocksEndpoint.class));
    }

    @Test
    void endpointIsNotCreatedWhenDisabled() {
        endpointRunner()
            .withPropertyValues("management.endpoints.web.exposure.include=filelocks",
                    "management.endpoint.filelocks.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(FileLocksEndpoint.class));
    }

    @Test
    void endpointBacksOffWithoutTheActuator() {
        endpointRunner().withPropertyValues("management.endpoints.web.exposure.include=filelocks")
            .withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
            .run((context) -> assertThat(context).doesNotHaveBean(FileLocksEndpoint.class));
    }

    @Test
    void endpointBacksOffForTheUsersOwn() {
        endpointRunner().withPropertyValues("management.endpoints.web.exposure.include=filelocks")
            .withUserConfiguration(UserEndpointConfiguration.class)
            .run((context) -> assertThat(context).getBean(FileLocksEndpoint.class)
                .isSameAs(context.getBean(UserEndpointConfiguration.class).endpoint));
    }

    @Test
    void healthIndicatorIsNamedFilelockAndUsesTheMaximumHold() {
        healthRunner()
            .withPropertyValues("filelock.health.max-hold=5m", "filelock.health.max-hold-exclude=leader,jobs/**")
            .run((context) -> {
                assertThat(context).hasSingleBean(FileLockHealthIndicator.class).hasBean("filelockHealthIndicator");
                assertThat(context.getBean(FileLockHealthIndicator.class))
                    .hasFieldOrPropertyWithValue("maxHold", Duration.ofMinutes(5))
                    .hasFieldOrPropertyWithValue("maxHoldExclude", List.of("leader", "jobs/**"));
            });
    }

    @Test
    void healthIndicatorCanBeTurnedOff() {
        healthRunner().withPropertyValues("management.health.filelock.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(FileLockHealthIndicator.class));
    }

    @Test
    void healthIndicatorBacksOffWithoutSpringBootHealth() {
        healthRunner().withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
            .run((context) -> assertThat(context).doesNotHaveBean(FileLockHealthIndicator.class));
    }

    @Test
    void metricsRecordAcquisitionsAndActiveLocks() {
        metricsRunner().run((context) -> {
            assertThat(context).hasSingleBean(FileLockMetrics.class);
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            registry.acquire("metered.lock", LockMode.WRITE, Duration.ZERO).close();
            assertThat(meters.get("filelock.acquire").tag("outcome", "acquired").timer().count()).isEqualTo(1);
            assertThat(meters.get("filelock.active").tags("backend", "file", "type", "native").gauge().value())
                .isZero();
        });
    }

    @Test
    void observationsCanBeTurnedOffWithBootsObservationProperty() {
        metricsRunner().withPropertyValues("management.observations.enable.filelock=false").run((context) -> {
            context.getBean(FileLockRegistry.class).acquire("quiet.lock", LockMode.WRITE, Duration.ZERO).close();
            assertThat(context.getBean(MeterRegistry.class).find("filelock.acquire").timer()).isNull();
        });
    }

    @Test
    void gaugeIsNotCreatedWithoutAMeterRegistryButObservationsStillAre() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class,
                    FileLockMetricsAutoConfiguration.class, ObservationAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .run((context) -> {
                assertThat(context).doesNotHaveBean(FileLockMetrics.class);
                assertThat(context).hasBean("fileLockRegistryObservations");
            });
    }

    @Test
    void nothingIsInstrumentedWithoutAnObservationRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockAutoConfiguration.class, FileLockMetricsAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .run((context) -> assertThat(context).doesNotHaveBean("fileLockRegistryObservations")
                .doesNotHaveBean(FileLockMetrics.class));
    }

    @ParameterizedTest(name = "filelock.type={0}")
    @SuppressWarnings("try") // the hold is held for the block's duration, deliberately
                             // unreferenced
    @CsvSource({ "native, read", "sqlite, read", "soft, write", "soft-read-write, read" })
    void everyTypeIsListedMeasuredAndWatchedForLongHolds(String type, String endpointMode) {
        new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockAutoConfiguration.class, FileLockEndpointAutoConfiguration.class,
                            EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                            FileLockHealthContributorAutoConfiguration.class, FileLockMetricsAutoConfiguration.class,
                            ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory, "filelock.type=" + type,
                    "management.endpoints.web.exposure.include=filelocks", "filelock.health.max-hold=1ms")
            .run((context) -> {
                FileLockRegistry registry = context.getBean(FileLockRegistry.class);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                try (LockHold hold = registry.acquire("jobs/read.lock", LockMode.READ, Duration.ofSeconds(10))) {
                    assertThat(context.getBean(FileLocksEndpoint.class).locks().entries()).singleElement()
                        .satisfies((lock) -> {
                            assertThat(lock.path()).isEqualTo("jobs/read.lock");
                            assertThat(lock.type()).isEqualTo(type);
                            assertThat(lock.mode()).isEqualTo(endpointMode);
                        });
                    assertThat(meters.get("filelock.active").tags("backend", "file", "type", type).gauge().value())
                        .isOne();
                    assertThat(meters.get("filelock.held.active")
                        .tags("backend", "file", "type", type)
                        .tag("mode", "read")
                        .longTaskTimer()
                        .activeTasks()).isOne();
                    FileLockHealthIndicator health = context.getBean(FileLockHealthIndicator.class);
                    await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN));
                    assertThat(health.health(true).getDetails()).containsKey("heldTooLong");
                }
                assertThat(meters.get("filelock.acquire")
                    .tags("backend", "file", "type", type)
                    .tag("mode", "read")
                    .tag("outcome", "acquired")
                    .timer()
                    .count()).isOne();
                assertThat(context.getBean(FileLockHealthIndicator.class).health(true).getStatus())
                    .isEqualTo(Status.UP);
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEndpointConfiguration {

        final FileLocksEndpoint endpoint = new FileLocksEndpoint(
                new FileLockRegistry(Path.of(System.getProperty("java.io.tmpdir"))));

        @Bean
        FileLocksEndpoint userEndpoint() {
            return this.endpoint;
        }

    }

}
