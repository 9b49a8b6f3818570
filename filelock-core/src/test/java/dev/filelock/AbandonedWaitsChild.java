package dev.filelock;

import dev.filelock.internal.exclusive.ExclusiveTable;
import dev.filelock.testing.OpenDescriptors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main class of a child JVM that gives up on many locks another process holds and
 * reports what the abandoned waits left behind, one line per figure.
 *
 * <pre>
 * DIR COUNT PARALLEL TIMEOUT_MILLIS SCRATCH
 *   acquire DIR/0.lock .. DIR/(COUNT-1).lock once each with the timeout, PARALLEL at a time; then at once take an
 *   unrelated lock and read a file in SCRATCH; then wait up to 10 s for the waits' threads and descriptors to be given
 *   back. Prints TIMEOUTS n, ERRORS n first-error, UNRELATED_LOCK OK|error, FILE_READ OK|error, PEAK_WAITER_THREADS n,
 *   then GIVEN_BACK_MS ms (descriptors after ms) or NOT_GIVEN_BACK what-remains.
 * </pre>
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
public final class AbandonedWaitsChild {

    /**
     * The bound on the give-back (it asks for about a second; generous against a
     * loaded machine).
     */
    private static final Duration GIVE_BACK_BOUND = Duration.ofSeconds(10);

    private static final String WAITER_THREAD_PREFIX = "filelock-waiter-";

    private AbandonedWaitsChild() {
    }

    /**
     * Runs the scenario.
     * @param args DIR COUNT PARALLEL TIMEOUT_MILLIS SCRATCH
     * @throws Exception on any failure of the harness itself, which ends the child with a
     * stack trace
     */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int parallel = Integer.parseInt(args[2]);
        Duration timeout = Duration.ofMillis(Long.parseLong(args[3]));
        Path scratch = Path.of(args[4]);
        Path unrelatedFile = Files.writeString(scratch.resolve("unrelated.txt"), "unrelated");
        FileLock unrelatedLock = FileLock.of(scratch.resolve("unrelated.lock"));
        unrelatedLock.acquire().close(); // loads the lock classes and native code before
                                         // the baseline
        Files.readString(unrelatedFile);
        Class.forName(FileLockTimeoutException.class.getName());

        int baselineThreads = Thread.getAllStackTraces().size();
        int baselineOutside = descriptorsOutside(directory);

        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>("");
        AtomicInteger peakWaiters = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(parallel);
        List<Future<?>> attempts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FileLock lock = FileLock.of(directory.resolve(i + ".lock"));
            attempts.add(callers.submit(() -> {
                try (LockHold unexpected = lock.acquire(timeout)) {
                    errors.incrementAndGet();
                    firstError.compareAndSet("", "acquired " + lock.path() + ", which the other process holds");
                }
                catch (FileLockTimeoutException expected) {
                    timeouts.incrementAndGet();
                }
                catch (RuntimeException | Error e) { // EMFILE shows up as a
                                                     // NoClassDefFoundError too
                    errors.incrementAndGet();
                    firstError.compareAndSet("", e.toString().replace('\n', ' '));
                }
                peakWaiters.accumulateAndGet(waiterThreads().size(), Math::max);
            }));
        }
        for (Future<?> attempt : attempts) {
            attempt.get();
        }
        callers.shutdown();
        callers.awaitTermination(1, TimeUnit.MINUTES);
        long lastWaiterLeft = System.nanoTime();

        report("TIMEOUTS " + timeouts.get());
        report("ERRORS " + errors.get() + " " + firstError.get());
        report("UNRELATED_LOCK " + outcome(() -> unrelatedLock.acquire(Duration.ofSeconds(5)).close()));
        report("FILE_READ " + outcome(() -> Files.readString(unrelatedFile)));
        report("PEAK_WAITER_THREADS " + peakWaiters.get());

        long deadline = lastWaiterLeft + GIVE_BACK_BOUND.toNanos();
        long descriptorsBack = -1;
        String remaining;
        while (!(remaining = remains(directory, baselineThreads, baselineOutside)).isEmpty()
                && System.nanoTime() < deadline) {
            if (descriptorsBack < 0 && descriptorsOutside(directory) <= baselineOutside
                    && OpenDescriptors.pointingAt(directory).size() <= ExclusiveTable.MAX_IDLE_ENTRIES) {
                descriptorsBack = System.nanoTime();
            }
            Thread.sleep(10); // a bounded poll of figures that only the pools' own timers
                              // change
        }
        if (remaining.isEmpty()) {
            long now = System.nanoTime();
            report("GIVEN_BACK_MS " + TimeUnit.NANOSECONDS.toMillis(now - lastWaiterLeft) + " (descriptors after "
                    + TimeUnit.NANOSECONDS.toMillis((descriptorsBack < 0 ? now : descriptorsBack) - lastWaiterLeft)
                    + " ms)");
        }
        else {
            report("NOT_GIVEN_BACK " + remaining);
        }
        System.exit(0);
    }

    /**
     * What is still above baseline: waiter threads, threads, descriptors; empty when all
     * is given back.
     */
    private static String remains(Path directory, int baselineThreads, int baselineOutside) {
        List<String> waiters = waiterThreads();
        int threads = Thread.getAllStackTraces().size();
        int outside = descriptorsOutside(directory);
        // Idle entries keep their descriptor for the next acquire of the path, at most
        // ExclusiveTable.MAX_IDLE_ENTRIES.
        int inside = OpenDescriptors.pointingAt(directory).size();
        if (waiters.isEmpty() && threads <= baselineThreads && outside <= baselineOutside
                && inside <= ExclusiveTable.MAX_IDLE_ENTRIES) {
            return "";
        }
        return "waiter threads " + waiters.size() + ", threads " + threads + " (baseline " + baselineThreads
                + "), descriptors outside the lock directory " + outside + " (baseline " + baselineOutside
                + "), inside it " + inside + " (at most " + ExclusiveTable.MAX_IDLE_ENTRIES + " parked)";
    }

    private static List<String> waiterThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .map(Thread::getName)
            .filter(name -> name.startsWith(WAITER_THREAD_PREFIX))
            .toList();
    }

    private static int descriptorsOutside(Path directory) {
        return OpenDescriptors.count() - OpenDescriptors.pointingAt(directory).size();
    }

    private static String outcome(Action action) {
        try {
            action.run();
            return "OK";
        }
        catch (Exception | Error e) {
            return e.toString().replace('\n', ' ');
        }
    }

    private static void report(String line) {
        System.out.println(line);
        System.out.flush();
    }

    @FunctionalInterface
    private interface Action {

        void run() throws Exception;

    }

}
