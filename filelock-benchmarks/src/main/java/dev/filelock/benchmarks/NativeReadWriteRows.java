package dev.filelock.benchmarks;

import dev.filelock.benchmarks.jmh.NativeReadWriteBenchmarks;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rows of {@code NativeReadWriteFileLock}: read and write acquire+release (JMH,
 * against raw {@code flock} shared and exclusive pairs) and the writer -> writer handoff
 * between processes (against blocking {@code flock(LOCK_EX)}).
 */
final class NativeReadWriteRows {

    private final RunMode mode;

    private final Path workDir;

    private final Path jmhLog;

    NativeReadWriteRows(RunMode mode, Path workDir, Path jmhLog) {
        this.mode = mode;
        this.workDir = workDir;
        this.jmhLog = jmhLog;
    }

    List<Row> rows() {
        Outcome<JmhSuite> jmh = Outcome.of("the NativeReadWriteFileLock JMH run", () -> JmhSuite.run(mode,
                List.of(NativeReadWriteBenchmarks.class), jmhLog.resolveSibling(jmhLog.getFileName() + "-native-rw")));
        return List.of(
                ratioRow(jmh, "NativeReadWriteFileLock read acquire+release, first holder in the JVM",
                        "raw JNA flock(LOCK_SH|LOCK_NB) + flock(LOCK_UN) on an open fd", "oursRead", "anchorRead"),
                ratioRow(jmh, "NativeReadWriteFileLock write acquire+release, first holder in the JVM",
                        "raw JNA flock(LOCK_EX|LOCK_NB) + flock(LOCK_UN) on an open fd", "oursWrite", "anchorWrite"),
                writerHandoffRow());
    }

    private static Row ratioRow(Outcome<JmhSuite> jmh, String what, String anchorName, String oursMethod,
            String anchorMethod) {
        // The writers' gate costs three more calls than the bare pair (flock, lstat,
        // unlock on the gate file).
        String goal = "<= 4x";
        try {
            double ours = JmhRows.score(jmh, NativeReadWriteBenchmarks.class, oursMethod);
            double anchor = JmhRows.score(jmh, NativeReadWriteBenchmarks.class, anchorMethod);
            double ratio = ours / anchor;
            return new Row(what, Units.duration(ours), Units.duration(anchor) + " (" + anchorName + ")",
                    Units.ratio(ratio), goal, Verdict.of(ratio <= 4), "");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    private Row writerHandoffRow() {
        String what = "Handoff, NativeReadWriteFileLock writer -> writer across processes";
        String goal = "median <= 5 ms";
        Path oursLock = workDir.resolve("handoff-native-rw.lock");
        Path rawLock = workDir.resolve("handoff-native-rw-raw.lock");
        List<Agent> agents = new ArrayList<>();
        try {
            Agent ours1 = ready(agents, () -> agent(Exclusive.Kind.OURS_NATIVE_RW_WRITE, oursLock));
            Agent ours2 = ready(agents, () -> agent(Exclusive.Kind.OURS_NATIVE_RW_WRITE, oursLock));
            Agent raw1 = ready(agents, () -> agent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Agent raw2 = ready(agents, () -> agent(Exclusive.Kind.RAW_FLOCK, rawLock));
            Handoff.Results stats = Handoff.measure(
                    List.of(new Handoff.Pair("ours", ours1, ours2), new Handoff.Pair("anchor", raw1, raw2)),
                    mode.handoffSamples(), mode.minHoldMillis() * 1000L, mode.maxHoldMillis() * 1000L);
            Stats ours = stats.get("ours");
            Stats anchor = stats.get("anchor");
            return new Row(what, Units.medianAndP99(ours),
                    Units.medianAndP99(anchor) + " (blocking flock(LOCK_EX) between two processes)",
                    Units.ratio(ours.median() / anchor.median()) + " (medians)", goal,
                    Verdict.of(ours.median() <= 5_000_000), ours.count() + " handoffs each, interleaved;"
                            + " ours polls (LOCK_NB, backing off to 1/64 of the time waited)");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
        finally {
            agents.forEach(Agent::close);
        }
    }

    private ChildProcess agent(Exclusive.Kind kind, Path lock) {
        return Children.java("handoff-" + kind.id(), "handoff", kind.id(), lock.toString());
    }

    private static Agent ready(List<Agent> started, Supplier<ChildProcess> start) {
        ChildProcess child = start.get();
        Agent agent = new ProcessAgent(child);
        started.add(agent);
        child.awaitReady();
        return agent;
    }

}
