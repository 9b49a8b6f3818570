package dev.filelock.benchmarks;

import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The waiting-CPU run: three child JVMs side by side over the same window, one whose
 * thread waits on a lock this process holds (raw flock), one whose thread waits on a lock
 * another of its threads holds, and an idle one for the JVM's own background cost.
 */
final class WaitCpu {

    private final Path workDir;

    private final int seconds;

    WaitCpu(Path workDir, int seconds) {
        this.workDir = workDir;
        this.seconds = seconds;
    }

    /**
     * CPU shares of one core over the window: the whole JVM and the waiting thread alone.
     */
    record Sample(double processShare, double waiterShare) {
    }

    /** The three JVMs' samples. */
    record Result(Sample otherProcess, Sample otherThread, Sample idle) {
    }

    Result run() throws IOException {
        Path heldHere = workDir.resolve("wait-other-process.lock");
        int fd = RawFlock.openLockFile(heldHere);
        List<ChildProcess> children = new ArrayList<>();
        try {
            RawFlock.lock(fd);
            ChildProcess otherProcess = start(children, "other-process", heldHere);
            ChildProcess otherThread = start(children, "other-thread", workDir.resolve("wait-other-thread.lock"));
            ChildProcess idle = start(children, "idle", workDir.resolve("wait-idle.lock"));
            children.forEach(ChildProcess::awaitReady);
            children.forEach(child -> child.send("wait"));
            Result result = new Result(sample(otherProcess), sample(otherThread), sample(idle));
            RawFlock.unlock(fd);
            for (ChildProcess child : children) {
                child.call("release");
            }
            return result;
        }
        finally {
            children.forEach(Children::stop);
            RawFlock.closeFd(fd);
        }
    }

    private ChildProcess start(List<ChildProcess> children, String scenario, Path lock) {
        ChildProcess child = Children.java("wait-cpu-" + scenario, "wait-cpu", scenario, lock.toString(),
                Integer.toString(seconds));
        children.add(child);
        return child;
    }

    private static Sample sample(ChildProcess child) {
        String[] figures = child.reply().split(" ");
        double wall = Double.parseDouble(figures[2]);
        return new Sample(Double.parseDouble(figures[0]) / wall, Double.parseDouble(figures[1]) / wall);
    }

}
