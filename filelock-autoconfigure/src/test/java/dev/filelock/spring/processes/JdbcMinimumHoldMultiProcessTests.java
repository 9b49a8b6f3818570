package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockJdbcProperties;
import dev.filelock.spring.autoconfigure.FileLockJdbcSchemaInitializer;
import dev.filelock.spring.jdbc.PostgresDatabase;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the {@link FileLocked#holdAtLeast()} minimum of the jdbc backend is kept in
 * the database: a JVM that took the lock with a minimum and is killed ({@code kill -9}),
 * after its method returned or while inside it, keeps another JVM out until its
 * acquisition plus the minimum, by the database's clock, although its lease's time to
 * live is much shorter; and the other JVM gets in soon after.
 */
class JdbcMinimumHoldMultiProcessTests {

    private static final Duration MINIMUM = Duration.ofSeconds(5);

    /**
     * Much shorter than the minimum: without the minimum in the row, the killed JVM's row
     * lapses after it.
     */
    private static final Duration TIME_TO_LIVE = Duration.ofSeconds(1);

    private static final Duration POLL = Duration.ofMillis(50);

    /**
     * Scheduling on a loaded machine: the waiter's JVM, its statement, the test's reading
     * of the row.
     */
    private static final Duration SLACK = Duration.ofSeconds(2);

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path shared;

    private SingleConnectionDataSource dataSource;

    @BeforeEach
    void createSchema() {
        this.dataSource = new SingleConnectionDataSource(this.database.url(), this.database.user(),
                this.database.password(), true);
        FileLockJdbcProperties properties = new FileLockJdbcProperties();
        properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
        new FileLockJdbcSchemaInitializer(this.dataSource, properties).initializeDatabase();
    }

    @AfterEach
    void closeDataSource() {
        this.dataSource.destroy();
    }

    @ParameterizedTest(name = "holder killed in mode {0}")
    @ValueSource(strings = { "brief", "hold-at-least" })
    void aKilledHoldersMinimumKeepsTheOtherJvmOutUntilItsAcquisitionPlusTheMinimumInDatabaseTime(String holderMode)
            throws Exception {
        try (ChildProcess waiter = start("b", "hold-when-told")) {
            // The holder starts once the waiter's JVM is up, so that the waiter tries as
            // soon as it is told.
            awaitFile("ready-b", waiter);
            try (ChildProcess holder = start("a", holderMode)) {
                awaitFile(holderMode.equals("brief") ? "returned-a" : "holding-a", holder);
                Timestamp holderAcquired = acquisitionOfTheRow();
                holder.kill();
                Files.createFile(this.shared.resolve("go"));
                awaitFile("holding-b", waiter);
                Timestamp waiterAcquired = acquisitionOfTheRow();
                Duration gap = Duration.between(holderAcquired.toInstant(), waiterAcquired.toInstant());
                assertThat(gap).as("database time from the killed holder's acquisition to the waiter's")
                    .isGreaterThanOrEqualTo(MINIMUM)
                    .isLessThanOrEqualTo(MINIMUM.plus(POLL).plus(SLACK));
            }
        }
    }

    private void awaitFile(String name, ChildProcess child) {
        await().atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> Files.exists(this.shared.resolve(name)) || !child.isAlive());
        assertThat(this.shared.resolve(name)).as("signal of %s; its log:%n%s", child.name(), child.describe()).exists();
    }

    /** The database time at which the current holder of the row took it. */
    private Timestamp acquisitionOfTheRow() {
        return new JdbcTemplate(this.dataSource).queryForObject(
                "select created_date from int_lock where region = ? and lock_key = ?", Timestamp.class, this.region,
                UUIDConverter.getUUID("job.lock").toString());
    }

    private ChildProcess start(String name, String mode) throws Exception {
        List<String> args = new ArrayList<>();
        this.database.properties(this.region).forEach((property) -> args.add("--" + property));
        args.addAll(List.of("--filelock.backend=jdbc",
                "--filelock.directory=" + Files.createDirectories(this.shared.resolve("host-" + name)),
                "--filelock.jdbc.time-to-live=" + TIME_TO_LIVE.toMillis() + "ms",
                "--filelock.poll-interval=" + POLL.toMillis() + "ms", "--hold-at-least=" + MINIMUM.toMillis() + "ms",
                "--shared=" + this.shared, "--name=" + name, "--mode=" + mode, "--spring.main.banner-mode=off",
                "--logging.level.root=warn"));
        return ChildJvm.start(name + "-" + mode, RendezvousApplication.class, args.toArray(String[]::new));
    }

}
