package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The handoff rows: release-to-acquire latency between processes (ours, raw flock,
 * Python) and between threads.
 */
final class HandoffRows {

    static final String OURS_NATIVE = "ours";
    static final String RAW_FLOCK = "raw flock";
    static final String PYTHON_FILELOCK = "python filelock";

    /**
     * Holds of in-JVM handoffs: long enough for the waiter to park, short enough for many
     * samples.
     */
    private static final int THREAD_HOLD_MIN_MICROS = 1_000;

    private static final int THREAD_HOLD_MAX_MICROS = 5_000;

    private static final int THREAD_SAMPLES_PER_PROCESS_SAMPLE = 5;

    private final RunMode mode;

    private final Path workDir;

    HandoffRows(RunMode mode, Path workDir) {
        this.mode = mode;
        this.workDir = workDir;
    }

    /**
     * Runs our native lock, the raw flock anchor and Python's FileLock through the same
     * handoffs, interleaved.
     */
    Outcome<Handoff.Results> measureProcessHandoffs() {
        return Outcome.of("the process handoff run", this::processHandoffs);
    }

    private Handoff.Results processHandoffs() throws IOException {
        Path oursLock = workDir.resolve("handoff-ours.lock");
        Path rawLock = workDir.resolve("handoff-raw.lock");
        Path pythonLock = workDir.resolve("handoff-python.lock");
        Path script = PythonScript.extract(workDir);
        List<Agent> agents = new ArrayList<>();
        try {
            Agent ours1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_NATIVE, oursLock));
            Agent ours2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_NATIVE, oursLock));
            Agent raw1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Agent raw2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Agent py1 = ready(agents,
                    () -> Children.python("py-handoff", script, "handoff", "filelock", pythonLock.toString()));
            Agent py2 = ready(agents,
                    () -> Children.python("py-handoff", script, "handoff", "filelock", pythonLock.toString()));
            return Handoff.measure(
                    List.of(new Handoff.Pair(OURS_NATIVE, ours1, ours2), new Handoff.Pair(RAW_FLOCK, raw1, raw2),
                            new Handoff.Pair(PYTHON_FILELOCK, py1, py2)),
                    mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
        }
        finally {
            agents.forEach(Agent::close);
        }
    }

    private ChildProcess javaHandoffAgent(Exclusive.Kind kind, Path lock) {
        return Children.java("handoff-" + kind.id(), "handoff", kind.id(), lock.toString());
    }

    /** Starts an agent, remembers it for closing, and waits until it is ready. */
    private static Agent ready(List<Agent> started, Supplier<ChildProcess> start) {
        ChildProcess child = start.get();
        Agent agent = new ProcessAgent(child);
        started.add(agent);
        child.awaitReady();
        return agent;
    }

    Row nativeProcessRow(Outcome<Handoff.Results> handoffs) {
        String what = "Handoff between two processes (release -> the waiter holds), native FileLock";
        String goal = "median <= 2x raw, p99 <= 1.5x raw p99";
        try {
            Stats ours = handoffs.get().get(OURS_NATIVE);
            Stats raw = handoffs.get().get(RAW_FLOCK);
            double medianRatio = ours.median() / raw.median();
            double p99Ratio = ours.percentile(99) / raw.percentile(99);
            boolean met = medianRatio <= 2 && p99Ratio <= 1.5;
            return new Row(what, Units.medianAndP99(ours),
                    Units.medianAndP99(raw) + " (blocking flock between two processes)",
                    Units.ratio(medianRatio) + " (medians), " + Units.ratio(p99Ratio) + " (p99)", goal, Verdict.of(met),
                    ours.count() + " handoffs each, interleaved");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    Row threadRow() {
        String what = "Handoff between two threads of one JVM";
        String goal = "median <= 50 µs";
        FileLock ours = FileLock.of(workDir.resolve("thread-handoff.lock"));
        ReentrantLock anchor = new ReentrantLock();
        List<Agent> agents = List.of(new ThreadAgent("ours-1", ours), new ThreadAgent("ours-2", ours),
                new ThreadAgent("anchor-1", anchor), new ThreadAgent("anchor-2", anchor));
        try {
            Handoff.Results stats = Handoff.measure(
                    List.of(new Handoff.Pair("ours", agents.get(0), agents.get(1)),
                            new Handoff.Pair("anchor", agents.get(2), agents.get(3))),
                    mode.handoffSamples() * THREAD_SAMPLES_PER_PROCESS_SAMPLE, THREAD_HOLD_MIN_MICROS,
                    THREAD_HOLD_MAX_MICROS);
            Stats oursStats = stats.get("ours");
            Stats anchorStats = stats.get("anchor");
            return new Row(what, Units.medianAndP99(oursStats),
                    Units.medianAndP99(anchorStats) + " (ReentrantLock handoff)",
                    Units.ratio(oursStats.median() / anchorStats.median()) + " (medians)", goal,
                    Verdict.of(oursStats.median() <= 50_000), oursStats.count() + " handoffs each, interleaved");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
        finally {
            agents.forEach(Agent::close);
        }
    }

    Row readWriteRow() {
        String what = "Handoff, ReadWriteFileLock writer -> writer across processes";
        String goal = "median <= 1 ms; report the ratio to Python's";
        try {
            Path script = PythonScript.extract(workDir);
            Path oursDb = workDir.resolve("handoff-ours.db");
            Path anchorDb = workDir.resolve("handoff-anchor.db");
            List<Agent> agents = new ArrayList<>();
            try {
                Agent ours1 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_RW_WRITE, oursDb));
                Agent ours2 = ready(agents, () -> javaHandoffAgent(Exclusive.Kind.OURS_RW_WRITE, oursDb));
                Agent py1 = ready(agents,
                        () -> Children.python("py-rw", script, "handoff", "sqlite-write", anchorDb.toString()));
                Agent py2 = ready(agents,
                        () -> Children.python("py-rw", script, "handoff", "sqlite-write", anchorDb.toString()));
                Handoff.Results stats = Handoff.measure(
                        List.of(new Handoff.Pair("ours", ours1, ours2), new Handoff.Pair("anchor", py1, py2)),
                        mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
                Stats ours = stats.get("ours");
                Stats anchor = stats.get("anchor");
                return new Row(what, Units.medianAndP99(ours),
                        Units.medianAndP99(anchor) + " (Python sqlite3 running ReadWriteLock's write protocol)",
                        Units.ratio(ours.median() / anchor.median()) + " (medians)", goal,
                        Verdict.of(ours.median() <= 1_000_000), ours.count() + " handoffs each, interleaved");
            }
            finally {
                agents.forEach(Agent::close);
            }
        }
        catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

}
