package dev.filelock.spring.processes;

import dev.filelock.spring.autoconfigure.FileLockJdbcProperties;
import dev.filelock.spring.autoconfigure.FileLockJdbcSchemaInitializer;
import dev.filelock.spring.jdbc.OtherProcess;
import dev.filelock.spring.jdbc.PostgresDatabase;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Prerequisite;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that lock expiry follows the database's clock, not the hosts': a JVM whose clock
 * runs a minute ahead (started through {@code faketime}) cannot take a lock that another
 * process holds with a 30 s time to live, and takes it once it is released.
 */
class JdbcSkewedClockTests {

    /**
     * Debian's faketime package. A fixed offset needs no shared state, so the plain
     * library does; the multi-threaded variant made every clock read of the JVM about
     * fifty times slower.
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
        try (ChildProcess skewed = startSkewed("ahead");
                OtherProcess holder = new OtherProcess(this.database, this.region)) {
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
            assertThat(skewed.awaitExit(Duration.ofSeconds(60))).as("exit code; log:%n%s", skewed.describe()).isZero();
        }
        assertThat(Signals.lines(attempts())).containsExactly("first timed out", "second entered");
    }

    private void awaitFile(ChildProcess child, String name, Duration timeout) {
        try {
            await().atMost(timeout)
                .failFast("the skewed JVM exited early", () -> !child.isAlive())
                .until(() -> Files.exists(this.shared.resolve(name)));
        }
        catch (RuntimeException ex) {
            throw new AssertionError("No file '" + name + "' from the skewed JVM; its log:\n" + child.describe(), ex);
        }
    }

    private Path attempts() {
        return this.shared.resolve("attempts");
    }

    private ChildProcess startSkewed(String name) throws Exception {
        List<String> args = new ArrayList<>();
        this.database.properties(this.region).forEach((property) -> args.add("--" + property));
        args.addAll(List.of("--filelock.backend=jdbc",
                "--filelock.directory=" + Files.createDirectories(this.shared.resolve("host-" + name)),
                "--filelock.jdbc.time-to-live=2s", "--shared=" + this.shared, "--name=" + name, "--mode=try-twice",
                "--spring.main.banner-mode=off", "--logging.level.root=warn"));
        // Only the wall clock is shifted: the monotonic clock that measures waits stays
        // true. The library is preloaded
        // into the JVM itself (faketime(1) would fork it).
        return ChildJvm.builder(name + "-skewed", RendezvousApplication.class)
            .environment("LD_PRELOAD", LIBFAKETIME.toString())
            .environment("FAKETIME", "+60s")
            .environment("DONT_FAKE_MONOTONIC", "1")
            .environment("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .start(args.toArray(String[]::new));
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
        Prerequisite.require(Files.isReadable(LIBFAKETIME),
                LIBFAKETIME + ", so that a JVM with a shifted clock can be started (apt-get install -y faketime)");
    }

}
