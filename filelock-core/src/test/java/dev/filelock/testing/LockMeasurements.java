package dev.filelock.testing;

import dev.filelock.LockHold;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * What the lock measurement programs (main classes, never tests; they print figures and assert nothing) share: the
 * cost of one operation, and the writer-to-writer handoff between this process and a child JVM.
 *
 * <p>A handoff is measured as the child's acquisition time minus this process's release time, both read from
 * {@link System#nanoTime()} ({@code CLOCK_MONOTONIC}, shared by the processes of one machine).
 */
public final class LockMeasurements {

    /** The first argument that makes a measurement program's {@code main} serve handoffs as the waiting child. */
    public static final String WAITER = "waiter";

    private static final int WARM_UP_HANDOFFS = 5;

    private LockMeasurements() {
    }

    /**
     * Runs the operation a quarter of {@code operations} times to warm up, then {@code operations} times measured.
     *
     * @param operations how many measured runs
     * @param operation what to measure
     * @return the mean time of one run in microseconds
     */
    public static double microsPerOperation(int operations, Runnable operation) {
        for (int i = 0; i < operations / 4; i++) {
            operation.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < operations; i++) {
            operation.run();
        }
        return (System.nanoTime() - start) / 1_000.0 / operations;
    }

    /**
     * Holds the write lock for 20 to 70 ms while a child JVM waits for it, {@code handoffs} times after a warm-up, and
     * prints the percentiles of the time from this release to the child's acquisition.
     *
     * @param program the measurement program; its {@code main} must call {@link #serveHandoffs} when its first
     *     argument is {@link #WAITER} and its second the lock path
     * @param lockPath the lock both processes use
     * @param handoffs how many handoffs are measured
     * @param acquireWrite acquires this process's write lock
     */
    public static void printHandoffs(Class<?> program, Path lockPath, int handoffs, Supplier<LockHold> acquireWrite)
            throws InterruptedException {
        double[] latencies = new double[handoffs];
        try (ChildProcess waiter = ChildJvm.start("handoff waiter", program, WAITER, lockPath.toString())) {
            waiter.awaitReady();
            for (int i = -WARM_UP_HANDOFFS; i < handoffs; i++) {
                LockHold hold = acquireWrite.get();
                waiter.send("acquire");
                waiter.nextLine(); // "waiting": it is about to wait for the lock
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 71));
                long released = System.nanoTime();
                hold.close();
                long acquired = Long.parseLong(waiter.reply());
                if (i >= 0) {
                    latencies[i] = (acquired - released) / 1e6;
                }
            }
            waiter.call(ChildMain.QUIT);
            waiter.awaitExit();
        }
        Arrays.sort(latencies);
        System.out.printf("cross-process writer->writer handoff over %d holds of 20-70 ms: median %.2f ms, p90 %.2f ms,"
                + " p99 %.2f ms, max %.2f ms%n", handoffs, latencies[handoffs / 2], latencies[handoffs * 9 / 10],
                latencies[handoffs * 99 / 100], latencies[handoffs - 1]);
    }

    /**
     * The child's side of {@link #printHandoffs}, in the child protocol ({@link ChildMain}): on each {@code acquire},
     * prints {@code waiting} (not a protocol line: the parent reads it as the cue that the wait begins), acquires and
     * releases the write lock, and answers {@code OK <acquisition nanoTime>}; ends on {@code quit}.
     *
     * @param acquireWrite acquires this process's write lock
     */
    public static void serveHandoffs(Supplier<LockHold> acquireWrite) {
        ChildMain.create().on("acquire", words -> {
            System.out.println("waiting");
            System.out.flush();
            LockHold hold = acquireWrite.get();
            long acquired = System.nanoTime();
            hold.close();
            return acquired;
        }).run();
    }
}
