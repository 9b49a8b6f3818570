package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.benchmarks.jmh.FileLockBenchmarks;
import dev.filelock.benchmarks.jmh.FileLockedBenchmarks;
import dev.filelock.benchmarks.jmh.NestedReadBenchmarks;
import dev.filelock.benchmarks.jmh.ReadWriteBenchmarks;
import dev.filelock.benchmarks.jmh.ReentrantBenchmarks;
import dev.filelock.benchmarks.jmh.SoftFileLockBenchmarks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Measures every row of issue #8 in one run and returns the table's rows in the order. */
final class Suite {

    /** Holds of in-JVM handoffs: long enough for the waiter to park, short enough for many samples. */
    private static final int THREAD_HOLD_MIN_MICROS = 1_000;
    private static final int THREAD_HOLD_MAX_MICROS = 5_000;
    private static final int THREAD_SAMPLES_PER_PROCESS_SAMPLE = 5;

    private final RunMode mode;
    private final Path workDir;
    private final Path jmhLog;
    private final Progress progress;

    Suite(RunMode mode, Path workDir, Path jmhLog, Progress progress) {
        this.mode = mode;
        this.workDir = workDir;
        this.jmhLog = jmhLog;
        this.progress = progress;
    }

    /** Something to tell the person waiting for the run. */
    interface Progress {
        void step(String message);
    }

    /** The parts of the suite, which {@code --only} can select while working on one of them. */
    enum Part {
        JMH, PROCESS_HANDOFF, THREAD_HANDOFF, RW_HANDOFF, CONTENTION, REGISTRY, WAIT_CPU, PYTHON;

        static Set<Part> parse(String commaSeparated) {
            Set<Part> parts = EnumSet.noneOf(Part.class);
            for (String name : commaSeparated.split(",")) {
                parts.add(valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
            return parts;
        }
    }

    List<Row> run(Set<Part> parts) {
        List<Row> rows = new ArrayList<>();
        Outcome<JmhSuite> jmh = Outcome.skipped();
        if (parts.contains(Part.JMH)) {
            progress.step("JMH (in-process rows), " + mode.jmhRounds() + " round(s), logs in " + jmhLog + "-round-N.log");
            jmh = runJmh();
            rows.addAll(jmhRows(jmh));
        }
        Outcome<Map<String, Stats>> processHandoffs = Outcome.skipped();
        if (parts.contains(Part.PROCESS_HANDOFF)) {
            progress.step("handoff between processes (ours, raw flock, Python filelock)");
            processHandoffs = Outcome.of("the process handoff run", this::processHandoffs);
            rows.add(nativeProcessHandoffRow(processHandoffs));
        }
        if (parts.contains(Part.THREAD_HANDOFF)) {
            progress.step("handoff between threads of one JVM");
            rows.add(threadHandoffRow());
        }
        if (parts.contains(Part.RW_HANDOFF)) {
            progress.step("ReadWriteFileLock writer -> writer handoff between processes");
            rows.add(readWriteHandoffRow());
        }
        if (parts.contains(Part.JMH)) {
            rows.add(annotationRow(jmh));
        }
        if (parts.contains(Part.CONTENTION)) {
            progress.step("contended throughput, 2 processes x 2 threads");
            rows.add(contentionRow());
        }
        if (parts.contains(Part.REGISTRY)) {
            progress.step("FileLockRegistry: " + mode.registryKeys() + " distinct keys, expired, twice");
            rows.add(registryRow());
        }
        if (parts.contains(Part.WAIT_CPU)) {
            progress.step("CPU of a thread waiting " + mode.waitSeconds() + " s on a held lock");
            rows.addAll(waitCpuRows());
        }
        if (parts.contains(Part.PYTHON)) {
            progress.step("Python filelock (Debian python3-filelock)");
            if (parts.contains(Part.JMH)) {
                rows.add(pythonUncontendedRow(jmh));
            }
            if (parts.contains(Part.PROCESS_HANDOFF)) {
                rows.add(pythonHandoffRow(processHandoffs));
            }
        }
        return rows;
    }

    private List<Row> jmhRows(Outcome<JmhSuite> jmh) {
        return List.of(
                jmhRatioRow(jmh, "Uncontended FileLock acquire+release",
                        "raw JNA flock(LOCK_EX|LOCK_NB) + flock(LOCK_UN) on an open fd",
                        FileLockBenchmarks.class, "ours", "anchor", 1.6),
                jmhRatioRow(jmh, "Reentrant inner FileLock acquire+release",
                        "ReentrantLock inner lock/unlock (outer level held)",
                        ReentrantBenchmarks.class, "ours", "anchor", 10),
                jmhRatioRow(jmh, "SoftFileLock acquire+release",
                        "NIO create-exclusive + write record + close + delete",
                        SoftFileLockBenchmarks.class, "ours", "anchor", 1.5),
                jmhRatioRow(jmh, "ReadWriteFileLock read acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN + SELECT + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursRead", "anchorRead", 1.5),
                jmhRatioRow(jmh, "ReadWriteFileLock write acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN EXCLUSIVE + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursWrite", "anchorWrite", 1.5),
                jmhRatioRow(jmh, "Nested read in one JVM",
                        "ReentrantReadWriteLock inner read lock/unlock (outer read held)",
                        NestedReadBenchmarks.class, "ours", "anchor", 20));
    }

    // ---- JMH rows -------------------------------------------------------------------------------------------------

    private Outcome<JmhSuite> runJmh() {
        return Outcome.of("the JMH run", () -> JmhSuite.run(mode, List.of(FileLockBenchmarks.class,
                ReentrantBenchmarks.class, SoftFileLockBenchmarks.class, ReadWriteBenchmarks.class,
                NestedReadBenchmarks.class, FileLockedBenchmarks.class), jmhLog));
    }

    private Row jmhRatioRow(Outcome<JmhSuite> jmh, String what, String anchorName, Class<?> benchmarks, String oursMethod,
            String anchorMethod, double maxRatio) {
        String goal = "<= " + maxRatio + "x";
        try {
            double ours = score(jmh, benchmarks, oursMethod);
            double anchor = score(jmh, benchmarks, anchorMethod);
            double ratio = ours / anchor;
            return new Row(what, Units.duration(ours), Units.duration(anchor) + " (" + anchorName + ")",
                    Units.ratio(ratio), goal, Verdict.of(ratio <= maxRatio), "");
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private Row annotationRow(Outcome<JmhSuite> jmh) {
        String what = "@FileLocked call vs the direct API around the same body";
        String goal = "<= 1.2x or <= +3 µs";
        try {
            double ours = score(jmh, FileLockedBenchmarks.class, "ours");
            double anchor = score(jmh, FileLockedBenchmarks.class, "anchor");
            double ratio = ours / anchor;
            double extra = ours - anchor;
            return new Row(what, Units.duration(ours), Units.duration(anchor)
                    + " (FileLock acquire() + body + close())", Units.ratio(ratio), goal,
                    Verdict.of(ratio <= 1.2 || extra <= 3_000), "the annotation adds " + Units.duration(extra));
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private static double score(Outcome<JmhSuite> jmh, Class<?> benchmarks, String method) {
        return jmh.get().nanosPerOp(benchmarks, method);
    }

    // ---- handoff rows ---------------------------------------------------------------------------------------------

    private static final String OURS_NATIVE = "ours";
    private static final String RAW_FLOCK = "raw flock";
    private static final String PYTHON_FILELOCK = "python filelock";

    private Map<String, Stats> processHandoffs() throws IOException {
        Path oursLock = workDir.resolve("handoff-ours.lock");
        Path rawLock = workDir.resolve("handoff-raw.lock");
        Path pythonLock = workDir.resolve("handoff-python.lock");
        Path script = pythonScript();
        List<Agent> agents = new ArrayList<>();
        try {
            Agent ours1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_NATIVE, oursLock));
            Agent ours2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_NATIVE, oursLock));
            Agent raw1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Agent raw2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Agent py1 = ready(agents, () -> ChildProcess.python("py-handoff", workDir, script, "handoff", "filelock",
                    pythonLock.toString()));
            Agent py2 = ready(agents, () -> ChildProcess.python("py-handoff", workDir, script, "handoff", "filelock",
                    pythonLock.toString()));
            return Handoff.measure(List.of(
                            new Handoff.Pair(OURS_NATIVE, ours1, ours2),
                            new Handoff.Pair(RAW_FLOCK, raw1, raw2),
                            new Handoff.Pair(PYTHON_FILELOCK, py1, py2)),
                    mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
        } finally {
            agents.forEach(Agent::close);
        }
    }

    private ChildProcess javaHandoffAgent(Exclusive.Kind kind, Path lock) {
        return ChildProcess.java("handoff-" + kind.id(), workDir, "handoff", kind.id(), lock.toString());
    }

    /** Starts an agent, remembers it for closing, and waits until it is ready. */
    private static Agent ready(List<Agent> started, Supplier<ChildProcess> start) {
        ChildProcess child = start.get();
        started.add(child);
        child.expect("ready");
        return child;
    }

    private Row nativeProcessHandoffRow(Outcome<Map<String, Stats>> handoffs) {
        String what = "Handoff between two processes (release -> the waiter holds), native FileLock";
        String goal = "median <= 0.5 ms, p99 <= 5 ms";
        try {
            Stats ours = handoffs.get().get(OURS_NATIVE);
            Stats raw = handoffs.get().get(RAW_FLOCK);
            boolean met = ours.median() <= 500_000 && ours.percentile(99) <= 5_000_000;
            return new Row(what, medianAndP99(ours), medianAndP99(raw) + " (blocking flock between two processes)",
                    Units.ratio(ours.median() / raw.median()) + " (medians)", goal, Verdict.of(met),
                    ours.count() + " handoffs each, interleaved");
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private Row threadHandoffRow() {
        String what = "Handoff between two threads of one JVM";
        String goal = "median <= 50 µs";
        FileLock ours = FileLock.of(workDir.resolve("thread-handoff.lock"));
        ReentrantLock anchor = new ReentrantLock();
        List<Agent> agents = List.of(new ThreadAgent("ours-1", ours), new ThreadAgent("ours-2", ours),
                new ThreadAgent("anchor-1", anchor), new ThreadAgent("anchor-2", anchor));
        try {
            Map<String, Stats> stats = Handoff.measure(List.of(
                            new Handoff.Pair("ours", agents.get(0), agents.get(1)),
                            new Handoff.Pair("anchor", agents.get(2), agents.get(3))),
                    mode.handoffSamples() * THREAD_SAMPLES_PER_PROCESS_SAMPLE,
                    THREAD_HOLD_MIN_MICROS, THREAD_HOLD_MAX_MICROS);
            Stats oursStats = stats.get("ours");
            Stats anchorStats = stats.get("anchor");
            return new Row(what, medianAndP99(oursStats), medianAndP99(anchorStats) + " (ReentrantLock handoff)",
                    Units.ratio(oursStats.median() / anchorStats.median()) + " (medians)", goal,
                    Verdict.of(oursStats.median() <= 50_000), oursStats.count() + " handoffs each, interleaved");
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        } finally {
            agents.forEach(Agent::close);
        }
    }

    private Row readWriteHandoffRow() {
        String what = "Handoff, ReadWriteFileLock writer -> writer across processes";
        String goal = "median <= 5 ms";
        try {
            Path script = pythonScript();
            Path oursDb = workDir.resolve("handoff-ours.db");
            Path anchorDb = workDir.resolve("handoff-anchor.db");
            List<Agent> agents = new ArrayList<>();
            try {
                Agent ours1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_RW_WRITE, oursDb));
                Agent ours2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_RW_WRITE, oursDb));
                Agent py1 = ready(agents, () -> ChildProcess.python("py-rw", workDir, script, "handoff",
                        "sqlite-write", anchorDb.toString()));
                Agent py2 = ready(agents, () -> ChildProcess.python("py-rw", workDir, script, "handoff",
                        "sqlite-write", anchorDb.toString()));
                Map<String, Stats> stats = Handoff.measure(List.of(
                                new Handoff.Pair("ours", ours1, ours2),
                                new Handoff.Pair("anchor", py1, py2)),
                        mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
                Stats ours = stats.get("ours");
                Stats anchor = stats.get("anchor");
                return new Row(what, medianAndP99(ours),
                        medianAndP99(anchor) + " (Python sqlite3 running ReadWriteLock's write protocol)",
                        Units.ratio(ours.median() / anchor.median()) + " (medians)", goal,
                        Verdict.of(ours.median() <= 5_000_000), ours.count() + " handoffs each, interleaved");
            } finally {
                agents.forEach(Agent::close);
            }
        } catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    // ---- contention -----------------------------------------------------------------------------------------------

    private Row contentionRow() {
        String what = "Contended throughput, 2 processes x 2 threads, counter file";
        String goal = ">= 0.7x";
        try {
            Contention contention = new Contention(workDir, mode.contentionSeconds());
            List<Contention.Result> ours = new ArrayList<>();
            List<Contention.Result> raw = new ArrayList<>();
            for (int run = 0; run < mode.contentionRuns(); run++) {
                ours.add(contention.run(Exclusive.Kind.OURS_NATIVE));
                raw.add(contention.run(Exclusive.Kind.RAW_FLOCK));
            }
            long rawLost = raw.stream().mapToLong(Contention.Result::lostUpdates).sum();
            if (rawLost != 0) {
                throw new IllegalStateException("the raw flock anchor lost " + rawLost + " updates: the harness is broken");
            }
            long oursLost = ours.stream().mapToLong(Contention.Result::lostUpdates).sum();
            double oursRate = Stats.of(ours.stream().map(Contention.Result::opsPerSecond).toList()).median();
            double rawRate = Stats.of(raw.stream().map(Contention.Result::opsPerSecond).toList()).median();
            double ratio = oursRate / rawRate;
            String note = mode.contentionRuns() + " runs of " + mode.contentionSeconds()
                    + " s each, interleaved; medians; per-thread ops in the last run: ours "
                    + ours.get(ours.size() - 1).perThread() + ", raw " + raw.get(raw.size() - 1).perThread();
            if (oursLost != 0) {
                note = "**ours lost " + oursLost + " updates**; " + note;
            }
            return new Row(what, Units.perSecond(oursRate), Units.perSecond(rawRate) + " (raw blocking flock loop)",
                    Units.ratio(ratio), goal, Verdict.of(ratio >= 0.7 && oursLost == 0), note);
        } catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    // ---- registry -------------------------------------------------------------------------------------------------

    private static final long MIB = 1024 * 1024;

    private Row registryRow() {
        String what = "FileLockRegistry.obtain of " + String.format(Locale.ROOT, "%,d", mode.registryKeys())
                + " distinct keys, then expire";
        String goal = "no heap growth after expiry; obtain O(1)";
        try (ChildProcess child = ChildProcess.javaWithHeap("registry", workDir, "2g", "registry",
                Integer.toString(mode.registryKeys()))) {
            String[] figures = child.expect("registry").split(" ");
            long before = Long.parseLong(figures[0]);
            long afterObtain = Long.parseLong(figures[1]);
            long afterFirstExpiry = Long.parseLong(figures[2]);
            long afterSecondExpiry = Long.parseLong(figures[3]);
            double firstTenth = Double.parseDouble(figures[4]);
            double lastTenth = Double.parseDouble(figures[5]);
            double meanCpu = Double.parseDouble(figures[6]);
            double meanWall = Double.parseDouble(figures[7]);
            long cycleGrowth = afterSecondExpiry - afterFirstExpiry;
            double slowdown = lastTenth / firstTenth;
            boolean met = cycleGrowth <= MIB && slowdown <= 2;
            return new Row(what,
                    "heap " + mib(before) + " -> " + mib(afterObtain) + " obtained -> " + mib(afterFirstExpiry)
                            + " expired -> " + mib(afterSecondExpiry) + " after a second cycle; "
                            + Units.duration(meanCpu) + " CPU (" + Units.duration(meanWall) + " wall) per obtain",
                    "heap before: " + mib(before),
                    Units.ratio(slowdown) + " (CPU per obtain, last / first tenth of the keys)", goal,
                    Verdict.of(met),
                    "growth from cycle 1 to cycle 2: " + mib(cycleGrowth) + " (<= 1 MiB counts as none); residue of"
                            + " cycle 1 over the start: " + mib(afterFirstExpiry - before)
                            + "; O(1) counts as <= 2x");
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    // ---- waiting CPU ----------------------------------------------------------------------------------------------

    private List<Row> waitCpuRows() {
        String goal = "<= 1% of a core";
        String otherProcess = "CPU while a thread waits " + mode.waitSeconds() + " s on a lock held by another process";
        String otherThread = "CPU while a thread waits " + mode.waitSeconds() + " s on a lock held by another thread";
        try {
            WaitCpu.Result result = new WaitCpu(workDir, mode.waitSeconds()).run();
            String idle = Units.percent(result.idle().processShare()) + " (an idle JVM, same window)";
            return List.of(
                    waitCpuRow(otherProcess, result.otherProcess(), idle, goal),
                    waitCpuRow(otherThread, result.otherThread(), idle, goal));
        } catch (IOException | RuntimeException e) {
            return List.of(Row.failed(otherProcess, goal, e), Row.failed(otherThread, goal, e));
        }
    }

    private static Row waitCpuRow(String what, WaitCpu.Sample sample, String idle, String goal) {
        return new Row(what, Units.percent(sample.processShare()) + " of a core (whole JVM)", idle, "-", goal,
                Verdict.of(sample.processShare() <= 0.01),
                "the waiting thread itself: " + Units.percent(sample.waiterShare()));
    }

    // ---- Python ---------------------------------------------------------------------------------------------------

    private Row pythonUncontendedRow(Outcome<JmhSuite> jmh) {
        String what = "Python filelock 3.9.0 (Debian): uncontended `with FileLock(path)`";
        String goal = "report the ratio";
        try {
            double ours = score(jmh, FileLockBenchmarks.class, "ours");
            double seconds = mode.isQuick() ? 0.3 : 3.0;
            double python;
            try (ChildProcess child = ChildProcess.python("py-uncontended", workDir, pythonScript(), "uncontended",
                    workDir.resolve("python-uncontended.lock").toString(), Double.toString(seconds))) {
                python = child.expectLong("result");
            }
            return new Row(what, Units.duration(ours) + " (our FileLock, JMH above)", Units.duration(python),
                    Units.ratio(python / ours) + " (Python / ours)", goal, Verdict.REPORTED, "");
        } catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private static Row pythonHandoffRow(Outcome<Map<String, Stats>> handoffs) {
        String what = "Python filelock 3.9.0 (Debian): handoff between two processes";
        String goal = "report the ratio";
        try {
            Stats ours = handoffs.get().get(OURS_NATIVE);
            Stats python = handoffs.get().get(PYTHON_FILELOCK);
            return new Row(what, medianAndP99(ours) + " (our FileLock, row above)",
                    medianAndP99(python) + " (poll interval 50 ms)",
                    Units.ratio(python.median() / ours.median()) + " (Python / ours, medians)", goal,
                    Verdict.REPORTED, "");
        } catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Writes the Python agent next to the run's files (once) and returns its path. */
    private Path pythonScript() throws IOException {
        Path script = workDir.resolve("python_agent.py");
        if (!Files.exists(script)) {
            try (InputStream in = Suite.class.getResourceAsStream("python_agent.py")) {
                if (in == null) {
                    throw new IllegalStateException("python_agent.py is missing from the benchmarks jar");
                }
                Files.copy(in, script);
            }
        }
        if (!Files.isExecutable(ChildProcess.PYTHON)) {
            throw new IllegalStateException(ChildProcess.PYTHON + " is missing: install Debian's python3 and python3-filelock");
        }
        return script;
    }

    private static String medianAndP99(Stats stats) {
        return "median " + Units.duration(stats.median()) + ", p99 " + Units.duration(stats.percentile(99));
    }
}
