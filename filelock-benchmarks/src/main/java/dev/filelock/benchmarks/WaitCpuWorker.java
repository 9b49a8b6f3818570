package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.testing.ChildMain;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the waiting-CPU row: a thread waits on a lock held elsewhere while the JVM's
 * whole process CPU time (so any helper thread the lock uses is counted too) and the
 * waiting thread's own CPU time are measured over a window.
 *
 * <p>
 * Arguments: scenario ({@code other-process}: the parent holds the lock;
 * {@code other-thread}: a thread of this JVM holds it; {@code idle}: nobody waits, the
 * JVM's own background cost), lock path, seconds. {@code wait} answers
 * {@code OK <process ns> <waiting thread ns> <wall ns>}; {@code release} answers
 * {@code OK} once the lock was acquired after its release.
 */
final class WaitCpuWorker {

    private static final int WARM_UP_ROUNDS = 20_000;

    private WaitCpuWorker() {
    }

    static void run(String[] args) throws Exception {
        String scenario = args[0];
        Path path = Path.of(args[1]);
        long windowMillis = Long.parseLong(args[2]) * 1000;

        warmUp(Path.of(path + ".warm-up"));
        FileLock lock = FileLock.of(path);
        CountDownLatch holderMayRelease = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        if (scenario.equals("other-thread")) {
            Thread holder = new Thread(() -> {
                lock.lock();
                held.countDown();
                awaitQuietly(holderMayRelease);
                lock.unlock();
            }, "holder");
            holder.start();
        }
        else {
            held.countDown();
        }
        held.await();
        CountDownLatch acquired = new CountDownLatch(1);
        ChildMain.create()
            .on("wait", ignored -> measure(scenario, lock, acquired, windowMillis))
            .on("release", ignored -> {
                holderMayRelease.countDown();
                if (!acquired.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the waiter did not get the lock after it was released");
                }
                return null;
            })
            .run();
    }

    /**
     * Starts the waiter (unless idle) and measures the window: process CPU, waiter CPU
     * and wall time in ns.
     */
    private static String measure(String scenario, FileLock lock, CountDownLatch acquired, long windowMillis)
            throws InterruptedException {
        Thread waiter = null;
        if (!scenario.equals("idle")) {
            waiter = new Thread(() -> {
                lock.lock();
                acquired.countDown();
                lock.unlock();
            }, "waiter");
            waiter.start();
        }
        else {
            acquired.countDown();
        }
        Thread.sleep(200); // let the waiter reach its wait before the window opens
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long waiterCpu0 = waiter == null ? 0 : threads.getThreadCpuTime(waiter.getId());
        long processCpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        Thread.sleep(windowMillis);
        long processCpu = processCpuNanos() - processCpu0;
        long wall = System.nanoTime() - wall0;
        long waiterCpu = waiter == null ? 0 : threads.getThreadCpuTime(waiter.getId()) - waiterCpu0;
        if (acquired.getCount() == 0 && waiter != null) {
            throw new IllegalStateException("the waiter got the lock while it was held: nothing was measured");
        }
        return String.format(Locale.ROOT, "%d %d %d", processCpu, waiterCpu, wall);
    }

    /**
     * Compiles the lock's paths before the window, so the JIT does not count as waiting
     * cost.
     */
    private static void warmUp(Path path) {
        FileLock warm = FileLock.of(path);
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            warm.lock();
            warm.unlock();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
