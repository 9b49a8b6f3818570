package dev.filelock.spring.jdbc;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the jdbc backend keeps a {@link FileLocked#holdAtLeast()} minimum in the
 * lock's row, in database time: a release before the minimum leaves the row held by no
 * process until its acquisition plus the minimum (this JVM included), and a release after
 * it deletes the row as usual.
 */
@SuppressWarnings("try") // a held resource that the body does not name
class JdbcMinimumHoldTests {

    private static final Duration MINIMUM = Duration.ofSeconds(2);

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory,
                    "filelock.jdbc.time-to-live=10s");
    }

    @Test
    void anEarlyReleaseParksTheRowUntilItsAcquisitionPlusTheMinimumAndNotEvenThisJvmTakesItBefore() {
        contextRunner().run((context) -> {
            JdbcLockBackend backend = context.getBean(JdbcLockBackend.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            assertThat(backend.keepsMinimumHold()).isTrue();
            backend.acquire("brief.lock", LockMode.WRITE, Duration.ofSeconds(10), MINIMUM).close();
            Map<String, Object> parked = row(jdbc, "brief.lock");
            assertThat(parked.get("client_id")).as("client id of the parked row")
                .isNotEqualTo(backend.repository().clientId());
            assertThat(millis(parked, "held_for")).as("expiry minus acquisition, in database time")
                .isEqualTo(MINIMUM.toMillis());
            assertThatExceptionOfType(FileLockTimeoutException.class)
                .as("this JVM, whose client id took the row, before the minimum")
                .isThrownBy(() -> backend.acquire("brief.lock", LockMode.WRITE, Duration.ZERO));
            try (OtherProcess other = new OtherProcess(this.database, this.region)) {
                assertThat(other.canLock("brief.lock")).as("another process before the minimum").isFalse();
            }
            try (LockHold again = backend.acquire("brief.lock", LockMode.WRITE, Duration.ofSeconds(30))) {
                assertThat(millis(row(jdbc, "brief.lock"), "created_millis"))
                    .as("acquisition after the minimum, in database time")
                    .isGreaterThanOrEqualTo(millis(parked, "created_millis") + MINIMUM.toMillis());
            }
            assertThat(rows(jdbc, "brief.lock")).as("rows after a release without a minimum").isZero();
        });
    }

    @Test
    void annotatedMethodsOfEveryReturnStyleLeaveTheirRowParkedAndReturnAtOnce() {
        contextRunner().withBean(BriefJobs.class).run((context) -> {
            BriefJobs jobs = context.getBean(BriefJobs.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            String clientId = context.getBean(JdbcLockBackend.class).repository().clientId();
            jobs.plain();
            assertThat(jobs.async().get(10, TimeUnit.SECONDS)).isEqualTo("done");
            for (String key : new String[] { "plain.lock", "async.lock" }) {
                Map<String, Object> parked = row(jdbc, key);
                assertThat(parked.get("client_id")).as("client id of %s", key).isNotEqualTo(clientId);
                assertThat(millis(parked, "held_for")).as("minimum of %s in its row", key)
                    .isEqualTo(MINIMUM.toMillis());
            }
            assertThat(context.getBean(JdbcLockBackend.class).heldLocks()).as("holds of this JVM").isEmpty();
        });
    }

    @Test
    void aReleaseAfterTheMinimumDeletesTheRow() {
        contextRunner().run((context) -> {
            JdbcLockBackend backend = context.getBean(JdbcLockBackend.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            LockHold hold = backend.acquire("long.lock", LockMode.WRITE, Duration.ofSeconds(10),
                    Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                        "select count(*) from int_lock "
                                + "where region = ? and lock_key = ? and created_date + interval '200 milliseconds' "
                                + "< current_timestamp at time zone 'UTC'",
                        Integer.class, this.region, UUIDConverter.getUUID("long.lock").toString()) == 1);
            hold.close();
            assertThat(rows(jdbc, "long.lock")).isZero();
        });
    }

    /** Methods with a minimum hold that return at once. */
    static class BriefJobs {

        @FileLocked(path = "plain.lock", timeout = "0", holdAtLeast = "2s")
        public void plain() {
        }

        @FileLocked(path = "async.lock", timeout = "0", holdAtLeast = "2s")
        public CompletableFuture<String> async() {
            return CompletableFuture.completedFuture("done");
        }

    }

    private Map<String, Object> row(JdbcTemplate jdbc, String key) {
        return jdbc
            .queryForMap("select client_id, (extract(epoch from created_date) * 1000)::bigint as created_millis, "
                    + "(extract(epoch from expired_after - created_date) * 1000)::bigint as held_for from int_lock "
                    + "where region = ? and lock_key = ?", this.region, UUIDConverter.getUUID(key).toString());
    }

    private static long millis(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private int rows(JdbcTemplate jdbc, String key) {
        Integer count = jdbc.queryForObject("select count(*) from int_lock where region = ? and lock_key = ?",
                Integer.class, this.region, UUIDConverter.getUUID(key).toString());
        return (count != null) ? count : 0;
    }

}
