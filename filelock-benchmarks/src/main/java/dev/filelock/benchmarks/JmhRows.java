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

    /**
     * Issue 15's goal for the uncontended row on the given Java feature release: 1.6x
     * where the library can call {@code flock} through {@code java.lang.foreign} (Java
     * 22+), 1.8x through JNA (Java 17-21), the floor being the pair plus one stat.
     */
    static double uncontendedGoal(int javaFeature) {
        return (javaFeature >= 22) ? 1.6 : 1.8;
    }

    List<Row> ratioRows(Outcome<JmhSuite> jmh) {
        int java = Runtime.version().feature();
        return List.of(
                jmhRatioRow(jmh, "Uncontended FileLock acquire+release",
                        "raw JNA flock(LOCK_EX|LOCK_NB) + flock(LOCK_UN) on an open fd", FileLockBenchmarks.class,
                        "ours", "anchor", uncontendedGoal(java), " (goal on Java " + java + ")"),
                jmhRatioRow(jmh, "Reentrant inner FileLock acquire+release",
                        "ReentrantLock inner lock/unlock (outer level held)", ReentrantBenchmarks.class, "ours",
                        "anchor", 10, ""),
                jmhRatioRow(jmh, "SoftFileLock acquire+release", "NIO create-exclusive + write record + close + delete",
                        SoftFileLockBenchmarks.class, "ours", "anchor", 1.5, ""),
                jmhRatioRow(jmh, "ReadWriteFileLock read acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN + SELECT + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursRead", "anchorRead", 1.5, ""),
                jmhRatioRow(jmh, "ReadWriteFileLock write acquire+release, first holder in the JVM",
                        "sqlite-jdbc BEGIN EXCLUSIVE + ROLLBACK on an open connection", ReadWriteBenchmarks.class,
                        "oursWrite", "anchorWrite", 1.5, ""),
                jmhRatioRow(jmh, "Nested read in one JVM",
                        "ReentrantReadWriteLock inner read lock/unlock (outer read held)", NestedReadBenchmarks.class,
                        "ours", "anchor", 20, ""));
    }

    private Row jmhRatioRow(Outcome<JmhSuite> jmh, String what, String anchorName, Class<?> benchmarks,
            String oursMethod, String anchorMethod, double maxRatio, String goalScope) {
        String goal = "<= " + maxRatio + "x" + goalScope;
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

    /**
     * The {@code @FileLocked} rows: against the direct {@link dev.filelock.FileLock} API
     * (what a user compares with, issue 8's goal), and against the direct API of the lock
     * the annotation takes by default, the write side of a
     * {@link dev.filelock.NativeReadWriteFileLock} (like for like: what the annotation
     * itself adds).
     */
    List<Row> annotationRows(Outcome<JmhSuite> jmh) {
        return List.of(
                annotationRow(jmh, "@FileLocked call vs the direct API around the same body", "anchor",
                        "FileLock acquire() + body + close()", "<= 1.2x or <= +3 µs"),
                annotationRow(jmh, "@FileLocked call vs the direct NativeReadWriteFileLock API (like for like)",
                        "directNativeReadWrite", "NativeReadWriteFileLock acquireWrite() + body + close()",
                        "report the ratio"));
    }

    private static Row annotationRow(Outcome<JmhSuite> jmh, String what, String anchorMethod, String anchorName,
            String goal) {
        try {
            double ours = score(jmh, FileLockedBenchmarks.class, "ours");
            double anchor = score(jmh, FileLockedBenchmarks.class, anchorMethod);
            double ratio = ours / anchor;
            double extra = ours - anchor;
            Verdict verdict = goal.startsWith("report") ? Verdict.REPORTED : Verdict.of(ratio <= 1.2 || extra <= 3_000);
            return new Row(what, Units.duration(ours), Units.duration(anchor) + " (" + anchorName + ")",
                    Units.ratio(ratio), goal, verdict,
                    "the annotation (which takes the native read/write lock's write side by default) adds "
                            + Units.duration(extra));
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    static double score(Outcome<JmhSuite> jmh, Class<?> benchmarks, String method) {
        return jmh.get().nanosPerOp(benchmarks, method);
    }

}
