package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockJdbcProperties;
import dev.filelock.spring.autoconfigure.FileLockJdbcSchemaInitializer;
import dev.filelock.spring.jdbc.OtherProcess;
import dev.filelock.spring.jdbc.PostgresDatabase;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that two applications on "different hosts" (separate JVMs with different
 * {@code filelock.directory}) exclude each other from one {@link FileLocked} method with
 * {@code filelock.backend=jdbc} on a real PostgreSQL server, that they do not with
 * {@code filelock.backend=file} (the same test can fail), and that a killed holder's lock
 * is free after its time to live.
 */
class JdbcBackendMultiProcessTests {

    private static final int ROUNDS = 3;

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

    @Test
    void withTheJdbcBackendTwoHostsAreNeverInsideTheMethodTogether() throws Exception {
        try (ChildProcess a = meet("a", "b", "jdbc"); ChildProcess b = meet("b", "a", "jdbc")) {
            awaitSuccess(a);
            awaitSuccess(b);
        }
        assertThat(Signals.lines(this.shared.resolve("overlaps"))).isEmpty();
        assertThat(Signals.lines(this.shared.resolve("entries"))).hasSize(2 * ROUNDS).containsOnly("a", "b");
        List<Long> tokens = Signals.lines(this.shared.resolve("tokens")).stream().map(Long::valueOf).toList();
        assertThat(tokens).as("fencing tokens in the order the two JVMs held the lock")
            .hasSize(2 * ROUNDS)
            .isSortedAccordingTo(Long::compare)
            .doesNotHaveDuplicates();
        assertThat(rowsOfRegion()).as("rows left in INT_LOCK").isZero();
    }

    @Test
    void withTheFileBackendTwoHostsOverlap() throws Exception {
        try (ChildProcess a = meet("a", "b", "file"); ChildProcess b = meet("b", "a", "file")) {
            awaitSuccess(a);
            awaitSuccess(b);
        }
        assertThat(Signals.lines(this.shared.resolve("overlaps"))).isNotEmpty();
    }

    @Test
    void aKilledHoldersLockIsFreeAfterTheTimeToLive() throws Exception {
        try (ChildProcess holder = start("a", "hold", "jdbc")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(this.shared.resolve("holding-a")));
            assertThat(rowsOfRegion()).isOne();
            holder.kill();
        }
        // The dead process could not delete its row: only the expiry frees the lock.
        assertThat(rowsOfRegion()).isOne();
        try (OtherProcess other = new OtherProcess(this.database, this.region)) {
            Lock lock = other.lock("job.lock");
            assertThat(lock.tryLock(60, TimeUnit.SECONDS)).as("lock taken after the holder's time to live").isTrue();
            lock.unlock();
        }
        assertThat(rowsOfRegion()).isZero();
    }

    private ChildProcess meet(String name, String other, String backend) throws Exception {
        return start(name, "meet", backend, "--other=" + other, "--rounds=" + ROUNDS);
    }

    private ChildProcess start(String name, String mode, String backend, String... more) throws Exception {
        List<String> args = new ArrayList<>();
        this.database.properties(this.region).forEach((property) -> args.add("--" + property));
        args.addAll(List.of("--filelock.backend=" + backend,
                "--filelock.directory=" + Files.createDirectories(this.shared.resolve("host-" + name)),
                "--filelock.jdbc.time-to-live=2s", "--shared=" + this.shared, "--name=" + name, "--mode=" + mode,
                "--spring.main.banner-mode=off", "--logging.level.root=warn"));
        args.addAll(List.of(more));
        return ChildJvm.start(name + "-" + mode, RendezvousApplication.class, args.toArray(String[]::new));
    }

    private static void awaitSuccess(ChildProcess child) throws InterruptedException {
        assertThat(child.awaitExit(Duration.ofMinutes(2)))
            .as("exit code of %s; log:%n%s", child.name(), child.describe())
            .isZero();
    }

    private int rowsOfRegion() {
        Integer rows = new JdbcTemplate(this.dataSource)
            .queryForObject("select count(*) from int_lock where region = ?", Integer.class, this.region);
        return (rows != null) ? rows : 0;
    }

}
