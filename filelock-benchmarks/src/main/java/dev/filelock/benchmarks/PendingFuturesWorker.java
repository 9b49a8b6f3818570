package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.testing.ChildMain;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of the pending-futures row, alone in its JVM so that threads it leaves
 * behind cannot disturb later rows: {@code FileLock.acquireAsync} futures pile up on
 * paths another process (the parent) holds.
 *
 * <p>
 * Arguments: futures, submit deadline in seconds, settle window in milliseconds, then the
 * lock paths. {@code submit} answers
 * {@code OK <submitted> <submit ns> <threads before> <peak threads> <completed>}: the
 * futures are submitted round-robin over the paths (stopping at the deadline, so a slow
 * library cannot stall the suite), then, after the settle window, those already completed
 * are counted (none should be: the paths are held). {@code cancel} cancels them all and
 * answers {@code OK <ns until the live threads are back at the count before, or -1>};
 * {@code check} (after the parent released the paths) answers {@code OK <paths that could
 * not be taken>}: a cancelled future must not keep a hold.
 */
final class PendingFuturesWorker {

    /** Gives up waiting for the threads to go after this long (the goal is 5 s). */
    static final Duration CANCEL_GIVE_UP = Duration.ofSeconds(60);

    /** Each future waits this long (issue 15's figure). */
    private static final Duration FUTURE_TIMEOUT = Duration.ofSeconds(60);

    private PendingFuturesWorker() {
    }

    static void run(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long submitDeadlineNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        long settleMillis = Long.parseLong(args[2]);
        List<FileLock> locks = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            locks.add(FileLock.of(Path.of(args[i])));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        warmUp(Path.of(args[3] + ".warm-up"));
        List<CompletableFuture<LockHold>> futures = new ArrayList<>(count);
        int[] before = new int[1];
        ChildMain.create().on("submit", ignored -> {
            before[0] = threads.getThreadCount();
            threads.resetPeakThreadCount();
            long start = System.nanoTime();
            for (int i = 0; i < count && System.nanoTime() - start < submitDeadlineNanos; i++) {
                futures.add(locks.get(i % locks.size()).acquireAsync(FUTURE_TIMEOUT));
            }
            long submitNanos = System.nanoTime() - start;
            Thread.sleep(settleMillis);
            long completed = futures.stream().filter(CompletableFuture::isDone).count();
            return futures.size() + " " + submitNanos + " " + before[0] + " " + threads.getPeakThreadCount() + " "
                    + completed;
        }).on("cancel", ignored -> {
            long start = System.nanoTime();
            futures.forEach(future -> future.cancel(false));
            long giveUp = start + CANCEL_GIVE_UP.toNanos();
            while (threads.getThreadCount() > before[0]) {
                if (System.nanoTime() - giveUp > 0) {
                    return -1;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            return System.nanoTime() - start;
        }).on("check", ignored -> {
            long refused = 0;
            for (FileLock lock : locks) {
                Optional<LockHold> hold = lock.tryAcquire();
                hold.ifPresent(LockHold::close);
                refused += hold.isPresent() ? 0 : 1;
            }
            return refused;
        }).run();
    }

    /**
     * One future on a free path first, so that what the library starts once per JVM
     * (class loading, a shared waiter thread) is counted in "before", not as a leftover.
     */
    private static void warmUp(Path free) throws Exception {
        FileLock lock = FileLock.of(free);
        lock.acquireAsync(FUTURE_TIMEOUT).get(FUTURE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
    }

}
