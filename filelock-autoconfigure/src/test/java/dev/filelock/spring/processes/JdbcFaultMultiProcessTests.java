package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockJdbcProperties;
import dev.filelock.spring.autoconfigure.FileLockJdbcSchemaInitializer;
import dev.filelock.spring.jdbc.PostgresDatabase;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Prerequisite;
import dev.filelock.testing.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault test of {@code filelock.backend=jdbc}: two JVMs enter one {@link FileLocked}
 * method over and over (time to live 2 s, wait 3 s) while the PostgreSQL server is
 * stopped and restarted, frozen with {@code SIGSTOP} and thawed, and while one of them
 * keeps its application pool exhausted. Never are both inside while both believe they
 * hold the lock, every wait ends within its timeout plus {@link FaultApplication#SLACK},
 * and both enter again after each fault without a restart. It stops and freezes the
 * server of {@code FILELOCK_POSTGRES_DIR} (started by {@code .ci/postgres.sh}), so it is
 * skipped without one (failed when {@code CI=true}).
 */
class JdbcFaultMultiProcessTests {

    private static final Path POSTGRES_SH = Path.of("..", ".ci", "postgres.sh");

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path shared;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void twoJvmsNeverOverlapAndRecoverWhileTheDatabaseIsStoppedFrozenAndThePoolExhausted() throws Exception {
        Path cluster = requireOwnCluster();
        createSchema();
        try (ChildProcess a = start("a", "b"); ChildProcess b = start("b", "a")) {
            List<ChildProcess> children = List.of(a, b);
            awaitFiles(children, Duration.ofMinutes(4), "ready-a", "ready-b");
            awaitEntries(children, 2);

            Signals.append(this.shared.resolve("failures"), "phase: stopped");
            run(POSTGRES_SH.toString(), "halt", cluster.toString());
            try {
                awaitLines(children, "failures", (lines) -> outageFelt(lines, "a", 0) && outageFelt(lines, "b", 0));
            }
            finally {
                run(POSTGRES_SH.toString(), "resume", cluster.toString());
            }
            awaitEntries(children, 2);

            List<String> server = serverProcesses(cluster);
            List<String> before = Signals.lines(this.shared.resolve("failures"));
            int failedA = outageFailures(before, "a");
            int failedB = outageFailures(before, "b");
            Signals.append(this.shared.resolve("failures"), "phase: frozen");
            run(signal("-STOP", server));
            try {
                awaitLines(children, "failures",
                        (lines) -> outageFelt(lines, "a", failedA) && outageFelt(lines, "b", failedB));
            }
            finally {
                run(signal("-CONT", server));
            }
            awaitEntries(children, 2);

            Signals.append(this.shared.resolve("failures"), "phase: exhausted");
            Files.createFile(this.shared.resolve("exhaust-a"));
            awaitLines(children, "exhausted", (lines) -> lines.contains("a"));
            int entries = count("entries", "a");
            awaitLines(children, "entries", (lines) -> lines.stream().filter("a"::equals).count() >= entries + 2);

            Files.createFile(this.shared.resolve("stop"));
            for (ChildProcess child : children) {
                assertThat(child.awaitExit(Duration.ofSeconds(60)))
                    .as("exit code of %s; log:%n%s", child.name(), child.describe())
                    .isZero();
            }
        }
        assertThat(Signals.lines(this.shared.resolve("overlaps"))).as("both inside, both holding").isEmpty();
        assertThat(Signals.lines(this.shared.resolve("overruns")))
            .as("waits longer than timeout + slack; failures:%n%s",
                    String.join("\n", Signals.lines(this.shared.resolve("failures"))))
            .isEmpty();
    }

    private ChildProcess start(String name, String other) throws Exception {
        List<String> args = new ArrayList<>();
        this.database.properties(this.region).forEach((property) -> args.add("--" + property));
        args.addAll(List.of("--filelock.backend=jdbc",
                "--filelock.directory=" + Files.createDirectories(this.shared.resolve("host-" + name)),
                "--filelock.jdbc.time-to-live=2s", "--spring.datasource.hikari.maximum-pool-size=2",
                "--spring.datasource.hikari.connection-timeout=60000", "--shared=" + this.shared, "--name=" + name,
                "--other=" + other, "--spring.main.banner-mode=off", "--logging.level.root=error"));
        return ChildJvm.start(name + "-fault", FaultApplication.class, args.toArray(String[]::new));
    }

    /**
     * Whether the child had more failures than {@code before} that only an outage causes.
     */
    private static boolean outageFelt(List<String> failures, String child, int before) {
        return outageFailures(failures, child) > before;
    }

    /**
     * Waits that the database did not answer, and leases that lapsed: plain contention
     * causes neither.
     */
    private static int outageFailures(List<String> failures, String child) {
        return (int) failures.stream()
            .filter((line) -> line.startsWith(child + " ")
                    && (line.contains("did not answer") || line.contains("lapsed") || line.contains("release")))
            .count();
    }

    /** Waits until each child entered the method {@code more} more times. */
    private void awaitEntries(List<ChildProcess> children, int more) {
        int a = count("entries", "a");
        int b = count("entries", "b");
        awaitLines(children, "entries", (lines) -> lines.stream().filter("a"::equals).count() >= a + more
                && lines.stream().filter("b"::equals).count() >= b + more);
    }

    private int count(String file, String line) {
        return (int) Signals.lines(this.shared.resolve(file)).stream().filter(line::equals).count();
    }

    private void awaitLines(List<ChildProcess> children, String file, Predicate<List<String>> condition) {
        try {
            await().atMost(Duration.ofSeconds(90))
                .failFast("a child JVM exited", () -> children.stream().anyMatch((child) -> !child.isAlive()))
                .until(() -> condition.test(Signals.lines(this.shared.resolve(file))));
        }
        catch (RuntimeException ex) {
            throw new AssertionError("Waited in vain for " + file + " " + Signals.lines(this.shared.resolve(file))
                    + "; logs:\n" + children.get(0).describe() + "\n" + children.get(1).describe(), ex);
        }
    }

    private void awaitFiles(List<ChildProcess> children, Duration timeout, String... names) {
        try {
            await().atMost(timeout)
                .failFast("a child JVM exited", () -> children.stream().anyMatch((child) -> !child.isAlive()))
                .until(() -> List.of(names).stream().allMatch((name) -> Files.exists(this.shared.resolve(name))));
        }
        catch (RuntimeException ex) {
            throw new AssertionError(
                    "Children not ready; logs:\n" + children.get(0).describe() + "\n" + children.get(1).describe(), ex);
        }
    }

    /**
     * The server's processes: the postmaster (first line of postmaster.pid) and
     * everything it started.
     */
    private static List<String> serverProcesses(Path cluster) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(cluster.resolve("data/postmaster.pid")).get(0).trim());
        List<String> pids = new ArrayList<>();
        pids.add(Long.toString(postmaster));
        ProcessHandle.of(postmaster)
            .orElseThrow(() -> new IllegalStateException("PostgreSQL is not running as " + postmaster))
            .descendants()
            .forEach((process) -> pids.add(Long.toString(process.pid())));
        return pids;
    }

    private static String[] signal(String signal, List<String> pids) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        command.addAll(pids);
        return command.toArray(String[]::new);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static Path requireOwnCluster() {
        String directory = System.getenv("FILELOCK_POSTGRES_DIR");
        boolean own = directory != null && Files.isRegularFile(Path.of(directory, "options"))
                && Files.isExecutable(POSTGRES_SH);
        Prerequisite.require(own, "a PostgreSQL server of this test's own, which it stops and freezes: start one with "
                + "eval \"$(.ci/postgres.sh start)\" (FILELOCK_POSTGRES_DIR)");
        return Path.of(directory);
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

}
