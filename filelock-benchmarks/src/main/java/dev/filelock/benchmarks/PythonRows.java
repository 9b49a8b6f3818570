package dev.filelock.benchmarks;

import dev.filelock.benchmarks.jmh.FileLockBenchmarks;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The rows comparing Debian's Python filelock (3.9.0) with ours: uncontended op and
 * handoff.
 */
final class PythonRows {

    private final RunMode mode;

    private final Path workDir;

    PythonRows(RunMode mode, Path workDir) {
        this.mode = mode;
        this.workDir = workDir;
    }

    Row uncontendedRow(Outcome<JmhSuite> jmh) {
        String what = "Python filelock 3.9.0 (Debian): uncontended `with FileLock(path)`";
        String goal = "report the ratio";
        try {
            double ours = JmhRows.score(jmh, FileLockBenchmarks.class, "ours");
            double seconds = mode.isQuick() ? 0.3 : 3.0;
            Path script = PythonScript.extract(workDir);
            Path lock = workDir.resolve("python-uncontended.lock");
            double python;
            try (ChildProcess child = Children.python("py-uncontended", script, "uncontended", lock.toString(),
                    Double.toString(seconds))) {
                python = Long.parseLong(child.awaitReady().call("measure"));
            }
            return new Row(what, Units.duration(ours) + " (our FileLock, JMH above)", Units.duration(python),
                    Units.ratio(python / ours) + " (Python / ours)", goal, Verdict.REPORTED, "");
        }
        catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    static Row handoffRow(Outcome<Handoff.Results> handoffs) {
        String what = "Python filelock 3.9.0 (Debian): handoff between two processes";
        String goal = "report the ratio";
        try {
            Stats ours = handoffs.get().get(HandoffRows.OURS_NATIVE);
            Stats python = handoffs.get().get(HandoffRows.PYTHON_FILELOCK);
            return new Row(what, Units.medianAndP99(ours) + " (our FileLock, row above)",
                    Units.medianAndP99(python) + " (poll interval 50 ms)",
                    Units.ratio(python.median() / ours.median()) + " (Python / ours, medians)", goal, Verdict.REPORTED,
                    "");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

}
