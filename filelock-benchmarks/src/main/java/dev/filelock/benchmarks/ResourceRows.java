package dev.filelock.benchmarks;

import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows about throughput and resources: contended throughput, the registry's heap and
 * cost, waiting CPU.
 */
final class ResourceRows {

    private static final long MIB = 1024 * 1024;

    /** Two cycles of a million obtains took 6 minutes at a load of 25 on 2 cores. */
    private static final Duration REGISTRY_TIMEOUT = Duration.ofMinutes(10);

    private final RunMode mode;

    private final Path workDir;

    ResourceRows(RunMode mode, Path workDir) {
        this.mode = mode;
        this.workDir = workDir;
    }

    Row contentionRow() {
        String what = "Contended throughput, 2 processes x 2 threads, counter file";
        String goal = ">= 0.8x, 0 lost updates";
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
                throw new IllegalStateException(
                        "the raw flock anchor lost " + rawLost + " updates: the harness is broken");
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
                    Units.ratio(ratio), goal, Verdict.of(ratio >= 0.8 && oursLost == 0), note);
        }
        catch (IOException | RuntimeException e) {
            return Row.failed(what, goal, e);
        }
    }

    Row registryRow() {
        String what = "FileLockRegistry.obtain of " + String.format(Locale.ROOT, "%,d", mode.registryKeys())
                + " distinct keys, then expire";
        String goal = "no heap growth after expiry; obtain O(1)";
        ChildProcess child = null;
        try {
            child = Children.javaWithHeap("registry", "2g", "registry", workDir.resolve("registry").toString(),
                    Integer.toString(mode.registryKeys()));
            child.awaitReady().send("measure");
            String[] figures = child.reply(REGISTRY_TIMEOUT).split(" ");
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
                    Units.ratio(slowdown) + " (CPU per obtain, last / first tenth of the keys)", goal, Verdict.of(met),
                    "growth from cycle 1 to cycle 2: " + mib(cycleGrowth) + " (<= 1 MiB counts as none); residue of"
                            + " cycle 1 over the start: " + mib(afterFirstExpiry - before) + "; O(1) counts as <= 2x");
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
        finally {
            if (child != null) {
                Children.stop(child);
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    List<Row> waitCpuRows() {
        String goal = "<= 1% of a core";
        String otherProcess = "CPU while a thread waits " + mode.waitSeconds() + " s on a lock held by another process";
        String otherThread = "CPU while a thread waits " + mode.waitSeconds() + " s on a lock held by another thread";
        try {
            WaitCpu.Result result = new WaitCpu(workDir, mode.waitSeconds()).run();
            String idle = Units.percent(result.idle().processShare()) + " (an idle JVM, same window)";
            return List.of(waitCpuRow(otherProcess, result.otherProcess(), idle, goal),
                    waitCpuRow(otherThread, result.otherThread(), idle, goal));
        }
        catch (IOException | RuntimeException e) {
            return List.of(Row.failed(otherProcess, goal, e), Row.failed(otherThread, goal, e));
        }
    }

    private static Row waitCpuRow(String what, WaitCpu.Sample sample, String idle, String goal) {
        return new Row(what, Units.percent(sample.processShare()) + " of a core (whole JVM)", idle, "-", goal,
                Verdict.of(sample.processShare() <= 0.01),
                "the waiting thread itself: " + Units.percent(sample.waiterShare()));
    }

}
