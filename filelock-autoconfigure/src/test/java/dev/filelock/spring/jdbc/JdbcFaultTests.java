package dev.filelock.spring.jdbc;

import dev.filelock.FileLockException;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests of {@code filelock.backend=jdbc} under faults on a real PostgreSQL server: a busy
 * application pool, a lock database that hangs or cannot be reached, interrupts, a lapsed
 * lease, a misconfigured registry, links in the lock directory and rows left by crashed
 * holders.
 */
@SuppressWarnings("try") // a scope or a held resource that the body does not name
class JdbcFaultTests {

    /**
     * How much later than its timeout a wait may end while the database hangs (connection
     * timeout and one poll).
     */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path directory;

    private SingleConnectionDataSource direct;

    private JdbcTemplate sql;

    @BeforeEach
    void connect() {
        this.direct = new SingleConnectionDataSource(this.database.url(), this.database.user(),
                this.database.password(), true);
        this.sql = new JdbcTemplate(this.direct);
    }

    @AfterEach
    void disconnect() {
        this.direct.destroy();
    }

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory)
            .withBean(Jobs.class);
    }

    @Test
    void aHealthyHolderKeepsItsLeaseWhileTheApplicationsPoolIsExhausted() {
        contextRunner()
            .withPropertyValues("filelock.jdbc.time-to-live=2s", "spring.datasource.hikari.maximum-pool-size=2",
                    "spring.datasource.hikari.connection-timeout=60000")
            .run((context) -> {
                DataSource application = context.getBean(DataSource.class);
                try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                    context.getBean(Jobs.class).run("busy", () -> {
                        List<Connection> taken = new ArrayList<>();
                        try {
                            for (int i = 0; i < 2; i++) {
                                taken.add(application.getConnection());
                            }
                            LocalDateTime firstExpiry = expiry("jobs/busy.lock");
                            await().atMost(Duration.ofSeconds(20))
                                .until(() -> databaseNow().isAfter(firstExpiry.plusSeconds(1)));
                            assertThat(other.canLock("jobs/busy.lock")).as("lock taken over while its holder ran")
                                .isFalse();
                        }
                        catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                        finally {
                            taken.forEach(JdbcFaultTests::closeQuietly);
                        }
                    });
                }
            });
    }

    @Test
    void aWaitEndsWithinItsTimeoutWhileTheLockDatabaseHangs() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=2s").run((context) -> {
            Jobs jobs = context.getBean(Jobs.class);
            jobs.waitBriefly(() -> {
            });
            try (TableLock hang = TableLock.lock(this.database)) {
                long start = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(15),
                        () -> assertThatExceptionOfType(FileLockTimeoutException.class)
                            .isThrownBy(() -> jobs.waitBriefly(() -> {
                            }))
                            .withMessageContaining("'wait.lock'")
                            .withMessageContaining("the lock database did not answer"));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1).plus(SLACK));
            }
        });
    }

    @Test
    void aReleaseEndsWithinTheTimeToLiveWhileTheLockDatabaseHangsAndNamesTheKey() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=2s").run((context) -> {
            Jobs jobs = context.getBean(Jobs.class);
            AtomicReference<TableLock> hang = new AtomicReference<>();
            try {
                Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(15),
                        () -> catchThrowable(() -> jobs.run("release", () -> {
                            try {
                                hang.set(TableLock.lock(this.database));
                            }
                            catch (Exception ex) {
                                throw new IllegalStateException(ex);
                            }
                        })));
                assertThat(thrown).isInstanceOfAny(FileLockException.class, ConcurrentModificationException.class)
                    .hasMessageContaining("'jobs/release.lock'");
            }
            finally {
                if (hang.get() != null) {
                    hang.get().close();
                }
            }
        });
    }

    @Test
    void aHolderLearnsThatItsLeaseMayHaveLapsedBeforeItExpiresInTheDatabase() {
        contextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("filelock.jdbc.time-to-live=3s", "filelock.jdbc.on-lease-lost=interrupt")
            .run((context) -> {
                HealthIndicator health = context.getBean("filelockHealthIndicator", HealthIndicator.class);
                AtomicReference<LocalDateTime> expiry = new AtomicReference<>();
                AtomicReference<LocalDateTime> interruptedAt = new AtomicReference<>();
                AtomicReference<Health> healthWhileLost = new AtomicReference<>();
                Throwable thrown = catchThrowable(() -> context.getBean(Jobs.class).run("lapse", () -> {
                    try (TableLock hang = TableLock.lock(this.database)) {
                        // Renewals now hang: the row's expiry is fixed.
                        expiry.set(expiry("jobs/lapse.lock"));
                        try {
                            new CountDownLatch(1).await(20, TimeUnit.SECONDS);
                        }
                        catch (InterruptedException ex) {
                            interruptedAt.set(databaseNow());
                            healthWhileLost.set(health.health(true));
                        }
                    }
                    catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                }));
                assertThat(interruptedAt.get()).as("the holder was interrupted").isNotNull();
                assertThat(interruptedAt.get()).as("told before the row expired").isBefore(expiry.get());
                assertThat(healthWhileLost.get().getStatus()).isEqualTo(Status.DOWN);
                assertThat(healthWhileLost.get().getDetails()).containsEntry("lostLeases", 1);
                assertThat(thrown).isInstanceOf(ConcurrentModificationException.class)
                    .hasMessageContaining("'jobs/lapse.lock'");
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                assertThat(meters.get("filelock.jdbc.renewals").tag("outcome", "lost").functionCounter().count())
                    .isOne();
                assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
            });
    }

    @Test
    void anInterruptedWaitThrowsTheStartersInterruptedExceptionAndKeepsTheFlag() {
        contextRunner().run((context) -> {
            Jobs jobs = context.getBean(Jobs.class);
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                Lock held = other.lock("wait.lock");
                held.lock();
                try {
                    AtomicReference<Throwable> thrown = new AtomicReference<>();
                    AtomicBoolean flagKept = new AtomicBoolean();
                    Thread waiter = new Thread(() -> {
                        try {
                            jobs.waitLong(() -> {
                            });
                        }
                        catch (Throwable ex) {
                            thrown.set(ex);
                            flagKept.set(Thread.currentThread().isInterrupted());
                        }
                    });
                    waiter.start();
                    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
                    waiter.interrupt();
                    waiter.join(10_000);
                    assertThat(thrown.get()).isInstanceOf(FileLockInterruptedException.class)
                        .hasMessageContaining("wait.lock");
                    assertThat(flagKept).isTrue();
                }
                finally {
                    held.unlock();
                }
            }
        });
    }

    @Test
    void aDatabaseErrorNamesTheKeyAtOnce() {
        String refused = "refused-" + PostgresDatabase.newRegion();
        contextRunner().withPropertyValues("filelock.jdbc.region=" + refused).run((context) -> {
            Jobs jobs = context.getBean(Jobs.class);
            this.sql.execute("create or replace function filelock_test_refuse() returns trigger language plpgsql as "
                    + "$$ begin if new.region like 'refused-%' then raise exception 'refused by a test trigger'; "
                    + "end if; return new; end $$");
            this.sql.execute("create trigger filelock_test_refuse before insert or update on int_lock for each row "
                    + "execute function filelock_test_refuse()");
            try {
                Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> catchThrowable(() -> jobs.waitLong(() -> {
                        })));
                assertThat(thrown).isInstanceOf(FileLockException.class)
                    .hasMessageContaining("'wait.lock'")
                    .hasMessageContaining("refused by a test trigger")
                    .hasMessageNotContaining(UUIDConverter.getUUID("wait.lock").toString());
            }
            finally {
                this.sql.execute("drop trigger filelock_test_refuse on int_lock");
            }
        });
    }

    @Test
    void aMissingLockTableIsRefusedAtStartup() {
        contextRunner().withPropertyValues("filelock.jdbc.table-prefix=MISSING_").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("missing_lock");
        });
    }

    @Test
    void aRegistryOnAnotherRepositoryIsRefusedAtStartup() {
        contextRunner().withUserConfiguration(OwnRegistry.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                .hasStackTraceContaining("does not take its locks through the LockRepository bean");
        });
    }

    @Test
    void aSymbolicLinkInTheLockDirectoryDoesNotChangeTheKey() throws Exception {
        Files.createDirectories(this.directory.resolve("elsewhere"));
        Files.createSymbolicLink(this.directory.resolve("jobs"), this.directory.resolve("elsewhere"));
        contextRunner().run((context) -> {
            LockRegistryBackend backend = context.getBean(LockRegistryBackend.class);
            assertThat(backend.registryKey("jobs/1.lock")).isEqualTo("jobs/1.lock");
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                context.getBean(Jobs.class)
                    .run("1", () -> assertThat(other.canLock("jobs/1.lock")).as("same key as other hosts").isFalse());
            }
        });
    }

    @Test
    void rowsOfCrashedHoldersAreDeletedPeriodically() {
        String row = UUIDConverter.getUUID("crashed.lock").toString();
        contextRunner().withPropertyValues("filelock.jdbc.delete-expired-interval=200ms").run((context) -> {
            this.sql.update(
                    "insert into int_lock (lock_key, region, client_id, created_date, expired_after) values "
                            + "(?, ?, 'a-process-that-died', now() - interval '1 hour', now() - interval '1 hour')",
                    row, this.region);
            await().atMost(Duration.ofSeconds(10)).until(() -> rowsOfRegion() == 0);
        });
    }

    @Test
    void theFilelockHealthReflectsTheLockDatabase() {
        contextRunner().run((context) -> {
            Health health = context.getBean("filelockHealthIndicator", HealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "jdbc").containsKey("renewals");
        });
        contextRunner()
            .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/filelock",
                    "filelock.jdbc.initialize-schema=never", "filelock.jdbc.platform=postgresql")
            .run((context) -> {
                Health health = context.getBean("filelockHealthIndicator", HealthIndicator.class).health(true);
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            });
    }

    private LocalDateTime expiry(String key) {
        Timestamp expiry = this.sql.queryForObject(
                "select expired_after from int_lock where region = ? and lock_key = ?", Timestamp.class, this.region,
                UUIDConverter.getUUID(key).toString());
        assertThat(expiry).as("row of %s", key).isNotNull();
        return expiry.toLocalDateTime();
    }

    private LocalDateTime databaseNow() {
        Timestamp now = this.sql.queryForObject("select current_timestamp at time zone 'UTC'", Timestamp.class);
        assertThat(now).isNotNull();
        return now.toLocalDateTime();
    }

    private int rowsOfRegion() {
        Integer rows = this.sql.queryForObject("select count(*) from int_lock where region = ?", Integer.class,
                this.region);
        return (rows != null) ? rows : 0;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        }
        catch (Exception ex) {
            // the test's outcome is decided already
        }
    }

    /**
     * A registry of the user's own, on a repository that is not the
     * {@code LockRepository} bean.
     */
    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {

        @Bean
        JdbcLockRegistry jdbcLockRegistry(DataSource dataSource, @Value("${filelock.jdbc.region}") String region) {
            DefaultLockRepository repository = new DefaultLockRepository(dataSource);
            repository.setRegion(region);
            repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
            repository.afterPropertiesSet();
            repository.afterSingletonsInstantiated();
            return new JdbcLockRegistry(repository);
        }

    }

}
