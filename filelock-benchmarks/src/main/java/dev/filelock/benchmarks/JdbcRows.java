package dev.filelock.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.filelock.spring.jdbc.JdbcLockRepository;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rows of {@code filelock.backend=jdbc} on PostgreSQL, each next to Spring
 * Integration's {@code JdbcLockRegistry} used directly: uncontended acquire + release in
 * this JVM, and the handoff between two child JVMs. They need the server the tests use
 * ({@code FILELOCK_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD}, as
 * {@code .ci/postgres.sh
 * start} prints them): without it they are skipped, or fail the run when {@code CI=true}.
 */
final class JdbcRows {

    static final String UNCONTENDED = "jdbc backend: uncontended acquire + release (PostgreSQL on loopback)";
    static final String HANDOFF = "jdbc backend: handoff between two JVMs (release -> the waiter holds)";

    private static final String ANCHOR = "Spring Integration JdbcLockRegistry used directly";

    private static final int UNCONTENDED_BATCH = 50;

    private final RunMode mode;

    private final Path workDir;

    JdbcRows(RunMode mode, Path workDir) {
        this.mode = mode;
        this.workDir = workDir;
    }

    List<Row> rows() {
        if (!JdbcClient.configured()) {
            String reason = "FILELOCK_POSTGRES_URL is not set; start a server with: eval \"$(.ci/postgres.sh start)\"";
            if ("true".equals(System.getenv("CI"))) {
                IllegalStateException failure = new IllegalStateException(reason + " (CI=true: these rows must run)");
                return List.of(Row.failed(UNCONTENDED, "reported", failure),
                        Row.failed(HANDOFF, "median <= 5 ms", failure));
            }
            return List.of(skipped(UNCONTENDED, reason), skipped(HANDOFF, reason));
        }
        try {
            createTable();
        }
        catch (RuntimeException e) {
            return List.of(Row.failed(UNCONTENDED, "reported", e), Row.failed(HANDOFF, "median <= 5 ms", e));
        }
        return List.of(uncontendedRow(), handoffRow());
    }

    private static Row skipped(String what, String reason) {
        return new Row(what, "-", "-", "-", "-", Verdict.SKIPPED, reason);
    }

    /**
     * Spring Integration's lock table and our fencing token sequence, created unless they
     * exist.
     */
    private static void createTable() {
        try (HikariDataSource connections = JdbcClient.pool("schema", 1)) {
            JdbcTemplate jdbc = new JdbcTemplate(connections);
            String script = new ClassPathResource("org/springframework/integration/jdbc/schema-postgresql.sql")
                .getContentAsString(StandardCharsets.UTF_8);
            for (String statement : script.split(";")) {
                if (statement.toUpperCase().contains("INT_LOCK") && statement.toUpperCase().contains("CREATE TABLE")) {
                    jdbc.execute(statement.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
                }
            }
            // Our backend draws fencing tokens from a sequence beside the table (the
            // schema initializer does it in an app).
            jdbc.execute("CREATE SEQUENCE IF NOT EXISTS " + JdbcLockRepository.fencingSequence("INT_"));
        }
        catch (IOException e) {
            throw new IllegalStateException("Spring Integration's schema-postgresql.sql cannot be read", e);
        }
    }

    private Row uncontendedRow() {
        String goal = "reported";
        String region = "bench-" + UUID.randomUUID();
        int batches = mode == RunMode.QUICK ? 4 : 40;
        try (JdbcClient ours = JdbcClient.open(JdbcClient.Kind.OURS, region, workDir, "uncontended/ours.lock");
                JdbcClient anchor = JdbcClient.open(JdbcClient.Kind.ANCHOR, region, workDir, "uncontended/anchor")) {
            List<Long> oursTimes = new ArrayList<>();
            List<Long> anchorTimes = new ArrayList<>();
            for (int batch = -1; batch < batches; batch++) {
                // Batch -1 warms both up; then they take turns, batch by batch, so that
                // noise hits them alike.
                measureBatch(ours.lock(), batch >= 0 ? oursTimes : new ArrayList<>());
                measureBatch(anchor.lock(), batch >= 0 ? anchorTimes : new ArrayList<>());
            }
            Stats oursStats = Stats.of(oursTimes);
            Stats anchorStats = Stats.of(anchorTimes);
            return new Row(UNCONTENDED, Units.medianAndP99(oursStats),
                    Units.medianAndP99(anchorStats) + " (" + ANCHOR + ")",
                    Units.ratio(oursStats.median() / anchorStats.median()) + " (medians)", goal, Verdict.REPORTED,
                    oursStats.count() + " acquire + release each, interleaved in batches of " + UNCONTENDED_BATCH);
        }
        catch (RuntimeException e) {
            return Row.failed(UNCONTENDED, goal, e);
        }
    }

    private static void measureBatch(Exclusive lock, List<Long> times) {
        for (int i = 0; i < UNCONTENDED_BATCH; i++) {
            long start = System.nanoTime();
            lock.lock();
            lock.unlock();
            times.add(System.nanoTime() - start);
        }
    }

    private Row handoffRow() {
        String goal = "median <= 5 ms";
        String region = "bench-" + UUID.randomUUID();
        List<Agent> agents = new ArrayList<>();
        try {
            Agent ours1 = ready(agents, () -> agent(JdbcClient.Kind.OURS, region, "handoff/ours.lock"));
            Agent ours2 = ready(agents, () -> agent(JdbcClient.Kind.OURS, region, "handoff/ours.lock"));
            Agent anchor1 = ready(agents, () -> agent(JdbcClient.Kind.ANCHOR, region, "handoff/anchor"));
            Agent anchor2 = ready(agents, () -> agent(JdbcClient.Kind.ANCHOR, region, "handoff/anchor"));
            Handoff.Results stats = Handoff.measure(
                    List.of(new Handoff.Pair("ours", ours1, ours2), new Handoff.Pair("anchor", anchor1, anchor2)),
                    mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
            Stats ours = stats.get("ours");
            Stats anchor = stats.get("anchor");
            return new Row(HANDOFF, Units.medianAndP99(ours),
                    Units.medianAndP99(anchor) + " (" + ANCHOR + ", polling every 100 ms)",
                    Units.ratio(ours.median() / anchor.median()) + " (medians)", goal,
                    Verdict.of(ours.median() <= 5_000_000), ours.count() + " handoffs each, interleaved; ours polls "
                            + "every " + JdbcClient.OURS_POLL.toMillis() + " ms only as a fallback");
        }
        catch (RuntimeException e) {
            return Row.failed(HANDOFF, goal, e);
        }
        finally {
            agents.forEach(Agent::close);
        }
    }

    private ChildProcess agent(JdbcClient.Kind kind, String region, String key) {
        return Children.java("jdbc-handoff-" + kind.name().toLowerCase(), "jdbc-handoff", kind.name().toLowerCase(),
                region, workDir.toString(), key);
    }

    private static Agent ready(List<Agent> started, Supplier<ChildProcess> start) {
        ChildProcess child = start.get();
        Agent agent = new ProcessAgent(child);
        started.add(agent);
        child.awaitReady();
        return agent;
    }

}
