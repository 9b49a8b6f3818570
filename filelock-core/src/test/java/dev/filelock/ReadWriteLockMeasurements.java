package dev.filelock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures (never asserts) the SQLite read/write lock: uncontended cost per operation in one JVM, and the median
 * writer-to-writer handoff between two processes. Not a test; run it with
 *
 * <pre>
 * mvn -q -pl filelock-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     "-Dexec.args=-cp %classpath dev.filelock.ReadWriteLockMeasurements"
 * </pre>
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to use
final class ReadWriteLockMeasurements {

    private static final int OPERATIONS = 20_000;
    private static final int HANDOFFS = 100;
    private static final int WARM_UP_HANDOFFS = 5;

    private ReadWriteLockMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("waiter")) {
            waitForHandoffs(Path.of(args[1]));
            return;
        }
        Path directory = Files.createTempDirectory("rw-measurements");
        Path path = directory.resolve("measure.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            for (int round = 0; round < 3; round++) {
                System.out.printf("round %d: read %.1f us/op, write %.1f us/op, nested read %.2f us/op,"
                        + " readLock().lock()+unlock() nested %.2f us/op%n", round, perOperation(() -> lock.acquireRead().close()),
                        perOperation(() -> lock.acquireWrite().close()), nested(lock, () -> lock.acquireRead().close()),
                        nested(lock, () -> {
                            lock.readLock().lock();
                            lock.readLock().unlock();
                        }));
            }
            measureHandoffs(lock, path);
        }
        Files.deleteIfExists(path);
        Files.deleteIfExists(directory);
    }

    private static double perOperation(Runnable operation) {
        for (int i = 0; i < OPERATIONS / 4; i++) {
            operation.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < OPERATIONS; i++) {
            operation.run();
        }
        return (System.nanoTime() - start) / 1_000.0 / OPERATIONS;
    }

    private static double nested(ReadWriteFileLock lock, Runnable operation) {
        try (LockHold outer = lock.acquireRead()) {
            return perOperation(operation);
        }
    }

    /** This process holds, a child waits; latency = child's acquisition time - our release time (CLOCK_MONOTONIC). */
    private static void measureHandoffs(ReadWriteFileLock lock, Path path) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReadWriteLockMeasurements.class.getName(), "waiter",
                path.toString()));
        Process waiter = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromWaiter = new BufferedReader(new InputStreamReader(waiter.getInputStream(), StandardCharsets.UTF_8));
        double[] latencies = new double[HANDOFFS];
        try {
            for (int i = -WARM_UP_HANDOFFS; i < HANDOFFS; i++) {
                LockHold hold = lock.acquireWrite();
                waiter.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                waiter.getOutputStream().flush();
                fromWaiter.readLine(); // "waiting": it is about to block on the lock
                Thread.sleep(ThreadLocalRandom.current().nextInt(20, 71));
                long released = System.nanoTime();
                hold.close();
                long acquired = Long.parseLong(fromWaiter.readLine());
                if (i >= 0) {
                    latencies[i] = (acquired - released) / 1e6;
                }
            }
            waiter.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            waiter.getOutputStream().flush();
            waiter.waitFor();
        } finally {
            waiter.destroyForcibly();
        }
        Arrays.sort(latencies);
        System.out.printf("cross-process writer->writer handoff over %d holds of 20-70 ms: median %.2f ms, p90 %.2f ms,"
                + " p99 %.2f ms, max %.2f ms%n", HANDOFFS, latencies[HANDOFFS / 2], latencies[HANDOFFS * 9 / 10],
                latencies[HANDOFFS * 99 / 100], latencies[HANDOFFS - 1]);
    }

    private static void waitForHandoffs(Path path) throws IOException {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            while ("go".equals(commands.readLine())) {
                System.out.println("waiting");
                System.out.flush();
                LockHold hold = lock.acquireWrite();
                long acquired = System.nanoTime();
                hold.close();
                System.out.println(acquired);
                System.out.flush();
            }
        }
    }
}
