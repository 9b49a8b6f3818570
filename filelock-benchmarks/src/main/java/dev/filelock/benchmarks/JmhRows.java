package dev.filelock.benchmarks;

import dev.filelock.benchmarks.jmh.FileLockBenchmarks;
import dev.filelock.benchmarks.jmh.FileLockedBenchmarks;
import dev.filelock.benchmarks.jmh.NestedReadBenchmarks;
import dev.filelock.benchmarks.jmh.ReadWriteBenchmarks;
import dev.filelock.benchmarks.jmh.ReentrantBenchmarks;
import dev.filelock.benchmarks.jmh.SoftFileLockBenchmarks;
import java.nio.file.Path;
import java.util.List;

/**
 * The rows measured by JMH: each is our method against its anchor method of the same
 * benchmark class.
 */
final class JmhRows {

    private final RunMode mode;

    private final Path jmhLog;

    JmhRows(RunMode mode, Path jmhLog) {
        this.mode = mode;
        this.jmhLog = jmhLog;
    }

    Outcome<JmhSuite> measure() {
        return Outcome.of("the JMH run",
                () -> JmhSuite.run(mode,
                        List.of(FileLockBenchmarks.class, ReentrantBenchmarks.class, SoftFileLockBenchmarks.class,
                                ReadWriteBenchmarks.class, NestedReadBenchmarks.class, FileLockedBenchmarks.class),
                        jmhLog));
    }

    List<Row> ratioRows(Outcome<JmhSuite> jmh) {
        return List.of(
                jmhRatioRow(jmh, "Uncontended FileLock acquire+release",
                        "raw JNA flock(LOCK_EX|LOCK_NB) + flock(LOCK_UN) on an open fd", FileLockBenchmarks.class,
                        "ours", "anchor", 1.6),
                jmhRatioRow(jmh, "Reentrant inner FileLock acquire+release",
                        "ReentrantLock inner lock/unlock (outer level held)", ReentrantBenchmarks.class, "ours",
                        "anchor", 10),
                jmhRatioRow(jmh, "SoftFileLock acquire+release", "NIO create-exclusive + write record + close + delete",
                        SoftFileLockBenchmarks.class, "ours", "anchor", 1.5),
                jmhRatioRow(jmh, "ReadWriteFileLock read acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN + SELECT + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursRead", "anchorRead", 1.5),
                jmhRatioRow(jmh, "ReadWriteFileLock write acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN EXCLUSIVE + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursWrite", "anchorWrite", 1.5),
                jmhRatioRow(jmh, "Nested read in one JVM",
                        "ReentrantReadWriteLock inner read lock/unlock (outer read held)", NestedReadBenchmarks.class,
                        "ours", "anchor", 20));
    }

    private Row jmhRatioRow(Outcome<JmhSuite> jmh, String what, String anchorName, Class<?> benchmarks,
            String oursMethod, String anchorMethod, double maxRatio) {
        String goal = "<= " + maxRatio + "x";
        try {
            double ours = score(jmh, benchmarks, oursMethod);
            double anchor = score(jmh, benchmarks, anchorMethod);
            double ratio = ours / anchor;
            return new Row(what, Units.duration(ours), Units.duration(anchor) + " (" + anchorName + ")",
                    Units.ratio(ratio), goal, Verdict.of(ratio <= maxRatio), "");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    Row annotationRow(Outcome<JmhSuite> jmh) {
        String what = "@FileLocked call vs the direct API around the same body";
        String goal = "<= 1.2x or <= +3 µs";
        try {
            double ours = score(jmh, FileLockedBenchmarks.class, "ours");
            double anchor = score(jmh, FileLockedBenchmarks.class, "anchor");
            double ratio = ours / anchor;
            double extra = ours - anchor;
            return new Row(what, Units.duration(ours),
                    Units.duration(anchor) + " (FileLock acquire() + body + close())", Units.ratio(ratio), goal,
                    Verdict.of(ratio <= 1.2 || extra <= 3_000), "the annotation adds " + Units.duration(extra));
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    static double score(Outcome<JmhSuite> jmh, Class<?> benchmarks, String method) {
        return jmh.get().nanosPerOp(benchmarks, method);
    }

}
