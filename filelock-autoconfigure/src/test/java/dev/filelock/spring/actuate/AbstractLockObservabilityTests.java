package dev.filelock.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint.LockDetailsDescriptor;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockEndpointAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockMetricsAutoConfiguration;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import dev.filelock.spring.observation.FileLockObservationContext;
import dev.filelock.spring.observation.FileLockObservationConvention;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one observability stack on every lock backend: the {@code filelocks} endpoint's
 * schema, the {@code
 * filelock.active} gauge's meaning and a user's {@link FileLockObservationConvention}; a
 * subclass names the backend.
 */
public abstract class AbstractLockObservabilityTests {

    @TempDir
    protected Path directory;

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    protected void releaseHolders() {
        this.release.countDown();
    }

    /**
     * Returns the {@code backend} tag and JSON value: {@code file}, {@code jdbc} or
     * {@code registry}.
     */
    protected abstract String backend();

    /** Returns the {@code type} of the locks taken. */
    protected abstract String type();

    /**
     * Returns whether the backend's locks are files, so that other processes and forced
     * releases are shown.
     */
    protected abstract boolean locksAreFiles();

    /**
     * Adds the backend's own configuration to a runner that has every observability
     * auto-configuration.
     */
    protected abstract WebApplicationContextRunner withBackend(WebApplicationContextRunner runner);

    private WebApplicationContextRunner runner() {
        return withBackend(new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockAutoConfiguration.class, FileLockJdbcAutoConfiguration.class,
                            FileLockEndpointAutoConfiguration.class, FileLockMetricsAutoConfiguration.class,
                            EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                            ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory,
                    "management.endpoints.web.exposure.include=filelocks",
                    "management.endpoint.filelocks.access=UNRESTRICTED"));
    }

    @Test
    void theEndpointListsAnEntryWithItsOwnerAndHoldCountInOneSchema() {
        runner().run((context) -> {
            FileLocksEndpoint endpoint = context.getBean(FileLocksEndpoint.class);
            CompletableFuture<Void> holder = holdInThread(context, "report-worker", "reports/1.lock", 2);

            FileLocksEndpoint.LocksDescriptor locks = endpoint.locks();
            assertThat(locks.backend()).isEqualTo(backend());
            assertThat(locks.directory()).isEqualTo(locksAreFiles() ? this.directory.toRealPath().toString() : null);
            assertThat(locks.totals()).isEqualTo(new FileLocksEndpoint.Totals(1, 1, 1, 0));
            assertThat(locks.entries()).singleElement().satisfies((entry) -> {
                assertThat(entry.path()).isEqualTo("reports/1.lock");
                assertThat(entry.type()).isEqualTo(type());
                assertThat(entry.mode()).isEqualTo("write");
                assertThat(entry.waitingThreads()).isEmpty();
                assertThat(entry.owners()).singleElement().satisfies((owner) -> {
                    assertThat(owner.name()).isEqualTo("report-worker");
                    assertThat(owner.holdCount()).isEqualTo(2);
                    assertThat(owner.since()).isNotNull();
                    assertThat(owner.heldFor()).startsWith("PT");
                });
            });
            LockDetailsDescriptor details = endpoint.lock(new String[] { "reports", "1.lock" });
            assertThat(details).isNotNull();
            assertThat(details.backend()).isEqualTo(backend());
            assertThat(details.path()).isEqualTo("reports/1.lock");
            assertThat(details.thisProcess()).usingRecursiveComparison()
                .ignoringFields("owners.heldFor")
                .isEqualTo(locks.entries().get(0));
            if (locksAreFiles()) {
                assertThat(details.exists()).isTrue();
                assertThat(details.otherProcesses()).isNotNull();
                assertThat(details.otherProcesses().held()).isFalse();
            }
            else {
                assertThat(details.exists()).isNull();
                assertThat(details.otherProcesses()).isNull();
            }

            this.release.countDown();
            holder.get(10, TimeUnit.SECONDS);
            assertThat(endpoint.locks().entries()).isEmpty();
            LockDetailsDescriptor afterwards = endpoint.lock(new String[] { "reports", "1.lock" });
            if (locksAreFiles()) {
                assertThat(afterwards).as("the lock file stays").isNotNull();
                assertThat(afterwards.thisProcess()).isNull();
            }
            else {
                assertThat(afterwards).isNull();
            }
        });
    }

    @Test
    void theEndpointRefusesAKeyLeavingTheLockDirectory() {
        runner().run((context) -> assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> context.getBean(FileLocksEndpoint.class).lock(new String[] { "a", "..", "..", "x" })));
    }

    @Test
    void theEndpointForcesAReleaseOnlyWhereTheLocksAreFiles() {
        runner().run((context) -> {
            FileLocksEndpoint endpoint = context.getBean(FileLocksEndpoint.class);
            LockBackend backend = context.getBean(LockBackend.class);
            CompletableFuture<Void> holder = holdInThread(context, "stuck-worker", "stuck.lock", 1);
            if (locksAreFiles()) {
                assertThat(endpoint.release(new String[] { "stuck.lock" }).released()).isTrue();
                assertThat(backend.activeEntries()).isEmpty();
            }
            else {
                assertThatExceptionOfType(InvalidEndpointRequestException.class)
                    .isThrownBy(() -> endpoint.release(new String[] { "stuck.lock" }))
                    .withMessageContaining("'" + backend() + "' lock backend cannot force a release of 'stuck.lock'");
                assertThat(backend.activeEntries()).singleElement()
                    .satisfies((entry) -> assertThat(entry.isHeld()).isTrue());
            }
            this.release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        });
    }

    @Test
    void theGaugeCountsHeldEntriesNotHoldsTaggedWithBackendAndType() {
        runner().run((context) -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(active(meters)).isZero();
            CompletableFuture<Void> first = holdInThread(context, "worker-1", "gauge/1.lock", 3);
            CompletableFuture<Void> second = holdInThread(context, "worker-2", "gauge/2.lock", 1);

            assertThat(active(meters)).as("two entries, four holds").isEqualTo(2.0);

            this.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertThat(active(meters)).isZero();
        });
    }

    @Test
    void theObservationsAreTaggedWithBackendTypeModeAndOutcome() {
        runner().run((context) -> {
            context.getBean(LockBackend.class).acquire("observed.lock", LockMode.WRITE, Duration.ofSeconds(5)).close();

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("filelock.acquire")
                .tags("backend", backend(), "type", type(), "mode", "write", "outcome", "acquired")
                .timer()
                .count()).isOne();
            assertThat(meters.get("filelock.held")
                .tags("backend", backend(), "type", type(), "mode", "write")
                .timer()
                .count()).isOne();
            assertThat(meters.find("filelock.acquire").tagKeys("path").timer()).as("path is high-cardinality").isNull();
        });
    }

    @Test
    void aUserDefinedConventionBeanReplacesTheDefaultKeyValues() {
        runner().withUserConfiguration(TeamConventionConfiguration.class).run((context) -> {
            context.getBean(LockBackend.class).acquire("team.lock", LockMode.WRITE, Duration.ofSeconds(5)).close();

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("filelock.acquire")
                .tags("team", "payments", "backend", backend(), "type", type(), "outcome", "acquired")
                .timer()
                .count()).isOne();
            assertThat(meters.get("filelock.held").tags("team", "payments", "backend", backend()).timer().count())
                .isOne();
        });
    }

    @Test
    void includePathMakesThePathATag() {
        runner().withPropertyValues("filelock.metrics.include-path=true").run((context) -> {
            context.getBean(LockBackend.class).acquire("tagged.lock", LockMode.WRITE, Duration.ofSeconds(5)).close();

            assertThat(context.getBean(MeterRegistry.class)
                .get("filelock.acquire")
                .tags("backend", backend(), "path", "tagged.lock")
                .timer()
                .count()).isOne();
        });
    }

    private double active(MeterRegistry meters) {
        return meters.get("filelock.active").tags("backend", backend(), "type", type()).gauge().value();
    }

    /**
     * Takes a key's write lock {@code levels} times in a thread of that name, until the
     * test releases it.
     */
    private CompletableFuture<Void> holdInThread(AssertableWebApplicationContext context, String name, String key,
            int levels) throws InterruptedException {
        LockBackend backend = context.getBean(LockBackend.class);
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            LockHold[] holds = new LockHold[levels];
            Throwable failure = null;
            try {
                for (int level = 0; level < levels; level++) {
                    holds[level] = backend.acquire(key, LockMode.WRITE, Duration.ofSeconds(10));
                }
                held.countDown();
                this.release.await();
            }
            catch (InterruptedException | RuntimeException ex) {
                failure = ex;
            }
            finally {
                for (int level = levels - 1; level >= 0; level--) {
                    if (holds[level] != null) {
                        holds[level].close();
                    }
                }
            }
            // Completed once every level is released, so that the test sees the lock free
            // when it returns.
            if (failure != null) {
                done.completeExceptionally(failure);
            }
            else {
                done.complete(null);
            }
        }, name);
        thread.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).as("%s held %s", name, key).isTrue();
        return done;
    }

    @Configuration(proxyBeanMethods = false)
    static class TeamConventionConfiguration {

        @Bean
        FileLockObservationConvention teamConvention() {
            return new DefaultFileLockObservationConvention() {

                @Override
                public KeyValues getLowCardinalityKeyValues(FileLockObservationContext context) {
                    return super.getLowCardinalityKeyValues(context).and("team", "payments");
                }
            };
        }

    }

}
