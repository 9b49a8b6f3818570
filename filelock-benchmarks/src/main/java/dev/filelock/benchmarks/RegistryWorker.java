package dev.filelock.benchmarks;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.testing.ChildMain;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The JVM of the registry row: obtains N distinct keys from a {@link FileLockRegistry},
 * expires them, and does it all a second time; it reports the heap (used, after full GCs)
 * before, after obtaining and after each expiry, and the time per {@code obtain} in the
 * first and the last tenth of the keys.
 *
 * <p>
 * Times are the obtaining thread's CPU time, which other processes on a shared machine do
 * not inflate (the wall time, GC pauses included, is reported as the mean too).
 * Arguments: the registry's directory (inside the run's work directory, which the parent
 * removes), keys. {@code measure} answers {@code OK <before> <after
 * obtain> <after expiry 1> <after expiry 2> <first-tenth CPU ns/obtain> <last-tenth CPU ns/obtain> <mean CPU
 * ns/obtain> <mean wall ns/obtain>}.
 */
final class RegistryWorker {

    private static final int BATCHES = 100;

    private RegistryWorker() {
    }

    static void run(String[] args) {
        Path directory = Path.of(args[0]);
        int keys = Integer.parseInt(args[1]);
        ChildMain.create().on("measure", ignored -> measure(directory, keys)).run();
    }

    private static String measure(Path directory, int keys) throws Exception {
        try (FileLockRegistry registry = new FileLockRegistry(directory)) {
            obtainAll(registry, "warm-up-", Math.min(keys, 20_000));
            registry.expireUnusedOlderThan(0);
            long before = usedHeapAfterGc();

            long wallStart = System.nanoTime();
            long[] batchNanos = obtainAll(registry, "first-", keys);
            double meanWall = (System.nanoTime() - wallStart) / (double) keys;
            long afterObtain = usedHeapAfterGc();
            registry.expireUnusedOlderThan(0);
            long afterFirstExpiry = usedHeapAfterGc();

            obtainAll(registry, "second-", keys);
            registry.expireUnusedOlderThan(0);
            long afterSecondExpiry = usedHeapAfterGc();

            int tenth = BATCHES / 10;
            double perBatch = (double) keys / BATCHES;
            double first = Arrays.stream(batchNanos, 0, tenth).sum() / (tenth * perBatch);
            double last = Arrays.stream(batchNanos, BATCHES - tenth, BATCHES).sum() / (tenth * perBatch);
            double mean = Arrays.stream(batchNanos).sum() / (double) keys;
            return String.format(Locale.ROOT, "%d %d %d %d %.1f %.1f %.1f %.1f", before, afterObtain, afterFirstExpiry,
                    afterSecondExpiry, first, last, mean, meanWall);
        }
    }

    /**
     * Obtains {@code count} distinct keys in {@link #BATCHES} batches, returning each
     * batch's CPU time.
     */
    private static long[] obtainAll(FileLockRegistry registry, String prefix, int count) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] batchNanos = new long[BATCHES];
        int next = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            int end = (int) ((long) count * (batch + 1) / BATCHES);
            long start = threads.getCurrentThreadCpuTime();
            for (; next < end; next++) {
                registry.obtain(prefix + next + ".lock");
            }
            batchNanos[batch] = threads.getCurrentThreadCpuTime() - start;
        }
        return batchNanos;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

}
