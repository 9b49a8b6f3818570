package dev.filelock.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures every row of issue #8 in one run and returns the table's rows in the issue's
 * order.
 */
final class Suite {

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

    /**
     * The parts of the suite, which {@code --only} can select while working on one of
     * them.
     */
    enum Part {

        JMH, PROCESS_HANDOFF, THREAD_HANDOFF, RW_HANDOFF, NATIVE_RW, CONTENTION, FOREIGN_WAITER, REGISTRY, WAIT_CPU,
        PENDING_FUTURES, PYTHON, JDBC;

        /**
         * The parts whose rows are not ratios against an anchor of the same run: a
         * reference run measures them once per JDK, not in each of its runs.
         */
        static final Set<Part> ONCE_PER_JDK = EnumSet.of(FOREIGN_WAITER, REGISTRY, WAIT_CPU, PENDING_FUTURES);

        /** The name {@code --only} takes, such as {@code process-handoff}. */
        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Set<Part> parse(String commaSeparated) {
            Set<Part> parts = EnumSet.noneOf(Part.class);
            for (String name : commaSeparated.split(",")) {
                parts.add(valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
            return parts;
        }

    }

    List<Row> run(Set<Part> parts) {
        JmhRows jmhRows = new JmhRows(mode, jmhLog);
        HandoffRows handoffRows = new HandoffRows(mode, workDir);
        ResourceRows resourceRows = new ResourceRows(mode, workDir);
        List<Row> rows = new ArrayList<>();
        Outcome<JmhSuite> jmh = Outcome.skipped();
        if (parts.contains(Part.JMH)) {
            progress
                .step("JMH (in-process rows), " + mode.jmhRounds() + " round(s), logs in " + jmhLog + "-round-N.log");
            jmh = jmhRows.measure();
            rows.addAll(jmhRows.ratioRows(jmh));
        }
        Outcome<Handoff.Results> processHandoffs = Outcome.skipped();
        if (parts.contains(Part.PROCESS_HANDOFF)) {
            progress.step("handoff between processes (ours, raw flock, Python filelock)");
            processHandoffs = handoffRows.measureProcessHandoffs();
            rows.add(handoffRows.nativeProcessRow(processHandoffs));
        }
        if (parts.contains(Part.THREAD_HANDOFF)) {
            progress.step("handoff between threads of one JVM");
            rows.add(handoffRows.threadRow());
        }
        if (parts.contains(Part.RW_HANDOFF)) {
            progress.step("ReadWriteFileLock writer -> writer handoff between processes");
            rows.add(handoffRows.readWriteRow());
        }
        if (parts.contains(Part.NATIVE_RW)) {
            progress.step("NativeReadWriteFileLock: read and write (JMH), writer -> writer handoff between processes");
            rows.addAll(new NativeReadWriteRows(mode, workDir, jmhLog).rows());
        }
        if (parts.contains(Part.JMH)) {
            rows.addAll(jmhRows.annotationRows(jmh));
        }
        if (parts.contains(Part.CONTENTION)) {
            progress.step("contended throughput, 2 processes x 2 threads");
            rows.add(resourceRows.contentionRow());
        }
        if (parts.contains(Part.FOREIGN_WAITER)) {
            progress.step("a waiter in another process (raw flock, Python) while two threads pass the lock");
            rows.addAll(new WaitingRows(mode, workDir).foreignWaiterRows());
        }
        if (parts.contains(Part.REGISTRY)) {
            progress.step("FileLockRegistry: " + mode.registryKeys() + " distinct keys, expired, twice");
            rows.add(resourceRows.registryRow());
        }
        if (parts.contains(Part.WAIT_CPU)) {
            progress.step("CPU of a thread waiting " + mode.waitSeconds() + " s on a held lock");
            rows.addAll(resourceRows.waitCpuRows());
        }
        if (parts.contains(Part.PENDING_FUTURES)) {
            progress.step(mode.pendingFutures() + " pending acquireAsync futures on contended paths (own child JVM)");
            rows.add(new WaitingRows(mode, workDir).pendingFuturesRow());
        }
        if (parts.contains(Part.PYTHON)) {
            progress.step("Python filelock (Debian python3-filelock)");
            PythonRows pythonRows = new PythonRows(mode, workDir);
            if (parts.contains(Part.JMH)) {
                rows.add(pythonRows.uncontendedRow(jmh));
            }
            if (parts.contains(Part.PROCESS_HANDOFF)) {
                rows.add(PythonRows.handoffRow(processHandoffs));
            }
        }
        if (parts.contains(Part.JDBC)) {
            progress.step("jdbc backend on PostgreSQL: uncontended, handoff between two JVMs (with JdbcLockRegistry)");
            rows.addAll(new JdbcRows(mode, workDir).rows());
        }
        return rows;
    }

}
