package dev.filelock.spring.processes;

import dev.filelock.spring.autoconfigure.FileLockJdbcProperties;
import dev.filelock.spring.autoconfigure.FileLockJdbcSchemaInitializer;
import dev.filelock.spring.jdbc.OtherProcess;
import dev.filelock.spring.jdbc.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that lock expiry follows the database's clock, not the hosts': a JVM whose clock runs a minute ahead (started
 * through {@code faketime}) cannot take a lock that another process holds with a 30 s time to live, and takes it once
 * it is released.
 */
class JdbcSkewedClockTests {

    /**
     * Debian's faketime package. A fixed offset needs no shared state, so the plain library does; the multi-threaded
     * variant made every clock read of the JVM about fifty times slower.
     */
    private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path shared;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aJvmWithItsClockAMinuteAheadCannotTakeAHeldLock() throws Exception {
        requireFaketime();
        createSchema();
        try (ChildJvm skewed = startSkewed("ahead"); OtherProcess holder = new OtherProcess(this.database, this.region)) {
            awaitFile(skewed, "ready-ahead", Duration.ofMinutes(4));
            Lock lock = holder.lock("job.lock");
            lock.lock();
            try {
                Files.createFile(this.shared.resolve("held"));
                awaitFile(skewed, "attempts", Duration.ofSeconds(60));
            }
            finally {
                lock.unlock();
            }
            Files.createFile(this.shared.resolve("released"));
            assertThat(skewed.awaitExit(Duration.ofSeconds(60))).as("exit code; log:%n%s", skewed.log()).isZero();
        }
        assertThat(Signals.lines(attempts())).containsExactly("first timed out", "second entered");
    }

    private void awaitFile(ChildJvm child, String name, Duration timeout) {
        try {
            await().atMost(timeout)
                .failFast("the skewed JVM exited early", () -> !child.isAlive())
                .until(() -> Files.exists(this.shared.resolve(name)));
        }
        catch (RuntimeException ex) {
            throw new AssertionError("No file '" + name + "' from the skewed JVM; its log:\n" + child.log(), ex);
        }
    }

    private Path attempts() {
        return this.shared.resolve("attempts");
    }

    private ChildJvm startSkewed(String name) throws Exception {
        List<String> args = new ArrayList<>();
        this.database.properties(this.region).forEach((property) -> args.add("--" + property));
        args.addAll(List.of("--filelock.backend=jdbc",
                "--filelock.directory=" + Files.createDirectories(this.shared.resolve("host-" + name)),
                "--filelock.jdbc.time-to-live=2s", "--shared=" + this.shared, "--name=" + name, "--mode=try-twice",
                "--spring.main.banner-mode=off", "--logging.level.root=warn"));
        // Only the wall clock is shifted: the monotonic clock that measures waits stays true. The library is preloaded
        // by env, which execs java, so that the child's process is the JVM itself (faketime(1) would fork it).
        List<String> wrapper = List.of("env", "LD_PRELOAD=" + LIBFAKETIME, "FAKETIME=+60s", "DONT_FAKE_MONOTONIC=1",
                "FAKETIME_DONT_FAKE_MONOTONIC=1");
        return ChildJvm.start(name + "-skewed", wrapper, RendezvousApplication.class, this.shared,
                args.toArray(String[]::new));
    }

    private void createSchema() {
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(this.database.url(),
                this.database.user(), this.database.password(), true);
        try {
            FileLockJdbcProperties properties = new FileLockJdbcProperties();
            properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
            new FileLockJdbcSchemaInitializer(dataSource, properties).initializeDatabase();
        }
        finally {
            dataSource.destroy();
        }
    }

    private static void requireFaketime() {
        if (Files.isReadable(LIBFAKETIME)) {
            return;
        }
        String message = LIBFAKETIME + " is missing, so a JVM with a shifted clock cannot be started; install it with: "
                + "apt-get install -y faketime";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: this test must run)");
        }
        Assumptions.abort(message);
    }
}
