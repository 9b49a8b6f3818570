package dev.filelock.spring.jdbc;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import dev.filelock.spring.autoconfigure.FileLockEndpointAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@code filelock.backend=jdbc} on a real PostgreSQL server: {@code @FileLocked}
 * methods lock rows of Spring Integration's {@code INT_LOCK} table, keyed by their
 * confined path.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcBackendTests {

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory)
            .withBean(Jobs.class);
    }

    @Test
    void replacesTheFileRegistryWithTheJdbcLockRegistryAndCreatesTheLockTable() {
        contextRunner().run((context) -> {
            assertThat(context).hasSingleBean(JdbcLockRegistry.class)
                .hasSingleBean(LockRegistryBackend.class)
                .doesNotHaveBean(FileLockRegistry.class);
            assertThat(context.getBean(LockBackend.class)).isInstanceOf(LockRegistryBackend.class);
            assertThat(context.getBean(LockRegistryBackend.class).registry())
                .isSameAs(context.getBean(JdbcLockRegistry.class));
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.queryForObject("select count(*) from int_lock", Integer.class)).isNotNull();
        });
    }

    @Test
    void aLockedMethodHoldsTheRowOfItsKeyAndOtherProcessesWait() {
        contextRunner().run((context) -> {
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            LockRegistryBackend backend = context.getBean(LockRegistryBackend.class);
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                context.getBean(Jobs.class).run("42", () -> {
                    assertThat(rows(jdbc, "jobs/42.lock")).isOne();
                    assertThat(other.canLock("jobs/42.lock")).isFalse();
                    assertThat(other.canLock("jobs/43.lock")).isTrue();
                    assertThat(backend.heldLocks()).singleElement()
                        .satisfies((held) -> assertThat(held.key()).isEqualTo("jobs/42.lock"));
                });
                assertThat(rows(jdbc, "jobs/42.lock")).isZero();
                assertThat(backend.heldLocks()).isEmpty();
                assertThat(other.canLock("jobs/42.lock")).isTrue();
            }
        });
    }

    @Test
    void aMethodTimesOutWhileAnotherProcessHoldsItsKey() {
        contextRunner().run((context) -> {
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                var lock = other.lock("jobs/7.lock");
                lock.lock();
                try {
                    assertThatExceptionOfType(FileLockTimeoutException.class)
                        .isThrownBy(() -> context.getBean(Jobs.class).run("7", () -> {
                        }))
                        .withMessage("@FileLocked method Jobs.run (key 'jobs/7.lock'): The lock 'jobs/7.lock' (WRITE) "
                                + "of the 'jdbc' lock backend was not acquired in time: PT0S");
                }
                finally {
                    lock.unlock();
                }
            }
        });
    }

    @Test
    void keysAreConfinedToTheLockDirectoryAndRelativeToIt() {
        contextRunner().run((context) -> {
            LockRegistryBackend backend = context.getBean(LockRegistryBackend.class);
            assertThatIllegalArgumentException().isThrownBy(() -> context.getBean(Jobs.class).run("../escape", () -> {
            })).withMessageContaining("'..'");
            assertThat(backend.registryKey(this.directory.resolve("a/./b.lock").toString())).isEqualTo("a/b.lock");
            assertThat(backend.registryKey("a//b.lock")).isEqualTo("a/b.lock");
        });
    }

    @Test
    void readLocksTakeTheExclusiveLockAndSayItOnce(CapturedOutput output) {
        contextRunner().run((context) -> {
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                Jobs jobs = context.getBean(Jobs.class);
                jobs.read(() -> assertThat(other.canLock("report.lock")).isFalse());
                var lock = other.lock("report.lock");
                lock.lock();
                try {
                    assertThatExceptionOfType(FileLockTimeoutException.class).isThrownBy(() -> jobs.read(() -> {
                    })).withMessageContaining("(key 'report.lock'): The lock 'report.lock' (READ, taken as WRITE)");
                }
                finally {
                    lock.unlock();
                }
            }
        });
        assertThat(output.getOut().split("has no shared locks", -1)).hasSize(2);
    }

    @Test
    void readLocksAreRefusedAtStartupWhenAsked() {
        contextRunner().withPropertyValues("filelock.read-mode-fallback=refuse").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("Jobs.read()")
                .hasMessageContaining("mode = READ needs a shared lock")
                .hasMessageContaining("set filelock.read-mode-fallback=exclusive");
        });
    }

    @Test
    void leasesOfLongRunningMethodsAreRenewedPastTheTimeToLive() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=1s").run((context) -> {
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                context.getBean(Jobs.class).run("long", () -> {
                    LocalDateTime firstExpiry = expiry(jdbc, "jobs/long.lock");
                    await().atMost(Duration.ofSeconds(10))
                        .until(() -> utcNow().isAfter(firstExpiry.plus(Duration.ofMillis(500))));
                    assertThat(expiry(jdbc, "jobs/long.lock")).isAfter(firstExpiry);
                    assertThat(other.canLock("jobs/long.lock")).isFalse();
                });
                assertThat(other.canLock("jobs/long.lock")).isTrue();
            }
        });
    }

    @Test
    void withoutRenewalALongMethodLosesItsLockAndReleasingItFails() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=1s", "filelock.jdbc.renew-leases=false")
            .run((context) -> {
                JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
                try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                    assertThatExceptionOfType(ConcurrentModificationException.class)
                        .isThrownBy(() -> context.getBean(Jobs.class).run("long", () -> {
                            LocalDateTime firstExpiry = expiry(jdbc, "jobs/long.lock");
                            await().atMost(Duration.ofSeconds(10)).until(() -> utcNow().isAfter(firstExpiry));
                            assertThat(other.canLock("jobs/long.lock")).isTrue();
                        }))
                        .withMessageContaining("expiration");
                }
            });
    }

    @Test
    void anAsynchronousMethodHoldsItsLockUntilItsFutureCompletesInAnotherThread() {
        contextRunner().run((context) -> {
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                CompletableFuture<String> work = new CompletableFuture<>();
                CompletableFuture<String> call = context.getBean(Jobs.class).async(work);
                assertThat(other.canLock("async.lock")).isFalse();
                CountDownLatch completed = new CountDownLatch(1);
                Future<?> completer = executor.submit(() -> {
                    work.complete("done");
                    completed.countDown();
                });
                completer.get(10, TimeUnit.SECONDS);
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
                assertThat(other.canLock("async.lock")).isTrue();
                assertThat(context.getBean(LockRegistryBackend.class).heldLocks()).isEmpty();
            }
            finally {
                executor.shutdownNow();
            }
        });
    }

    @Test
    void theEndpointAndTheMetricsShowWhatThisJvmHolds() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class,
                    FileLockEndpointAutoConfiguration.class, FileLockMetricsAutoConfiguration.class,
                    EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                    ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory,
                    "management.endpoints.web.exposure.include=filelocks")
            .withBean(Jobs.class)
            .run((context) -> {
                FileLocksEndpoint endpoint = context.getBean(FileLocksEndpoint.class);
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                context.getBean(Jobs.class).run("5", () -> {
                    assertThat(endpoint.locks().backend()).isEqualTo("jdbc");
                    assertThat(endpoint.locks().directory()).as("no lock files to look at").isNull();
                    assertThat(endpoint.locks().entries()).singleElement().satisfies((lock) -> {
                        assertThat(lock.path()).isEqualTo("jobs/5.lock");
                        assertThat(lock.type()).isEqualTo("jdbc");
                        assertThat(lock.mode()).isEqualTo("write");
                        assertThat(lock.owners()).singleElement().satisfies((owner) -> {
                            assertThat(owner.name()).isEqualTo(Thread.currentThread().getName());
                            assertThat(owner.holdCount()).isOne();
                        });
                    });
                    assertThat(endpoint.lock(new String[] { "jobs", "5.lock" })).satisfies((details) -> {
                        assertThat(details.backend()).isEqualTo("jdbc");
                        assertThat(details.thisProcess()).isNotNull();
                        assertThat(details.otherProcesses()).as("other holders are rows, not processes").isNull();
                        assertThat(details.exists()).isNull();
                    });
                    assertThat(meters.get("filelock.active").tags("backend", "jdbc", "type", "jdbc").gauge().value())
                        .isOne();
                });
                assertThat(endpoint.locks().entries()).isEmpty();
                assertThat(endpoint.lock(new String[] { "jobs", "5.lock" })).isNull();
                assertThat(meters.get("filelock.active").tags("backend", "jdbc", "type", "jdbc").gauge().value())
                    .isZero();
                assertThat(meters.get("filelock.acquire")
                    .tags("backend", "jdbc", "type", "jdbc", "outcome", "acquired")
                    .timer()
                    .count()).isOne();
                assertThat(meters.get("filelock.held")
                    .tags("backend", "jdbc", "type", "jdbc", "mode", "write")
                    .timer()
                    .count()).isOne();
            });
    }

    private int rows(JdbcTemplate jdbc, String key) {
        Integer count = jdbc.queryForObject("select count(*) from int_lock where region = ? and lock_key = ?",
                Integer.class, this.region, UUIDConverter.getUUID(key).toString());
        return (count != null) ? count : 0;
    }

    private LocalDateTime expiry(JdbcTemplate jdbc, String key) {
        Timestamp expiry = jdbc.queryForObject("select expired_after from int_lock where region = ? and lock_key = ?",
                Timestamp.class, this.region, UUIDConverter.getUUID(key).toString());
        assertThat(expiry).as("row of %s", key).isNotNull();
        return expiry.toLocalDateTime();
    }

    private static LocalDateTime utcNow() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

}
