package dev.filelock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures (never asserts) the soft read/write lock: uncontended cost of a read and a write acquire+release, and the
 * writer-to-writer handoff between two processes. Not a test; run it with
 *
 * <pre>
 * mvn -q -pl filelock-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     "-Dexec.args=-cp %classpath dev.filelock.SoftReadWriteLockMeasurements"
 * </pre>
 */
final class SoftReadWriteLockMeasurements {

    private static final int OPERATIONS = 2_000;
    private static final int HANDOFFS = 50;
    private static final int WARM_UP_HANDOFFS = 5;

    private SoftReadWriteLockMeasurements() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("waiter")) {
            waitForHandoffs(Path.of(args[1]));
            return;
        }
        Path path = Files.createTempDirectory("soft-rw-measurements").resolve("measure.lock");
        try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path)) {
            for (int round = 0; round < 3; round++) {
                System.out.printf("round %d: read %.0f us/op, write %.0f us/op%n", round,
                        perOperation(() -> lock.acquireRead().close()), perOperation(() -> lock.acquireWrite().close()));
            }
            measureHandoffs(lock, path);
        }
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

    /** This process holds, a child waits; latency = child's acquisition time - our release time (CLOCK_MONOTONIC). */
    private static void measureHandoffs(SoftReadWriteFileLock lock, Path path) throws Exception {
        Process waiter = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), SoftReadWriteLockMeasurements.class.getName(),
                        "waiter", path.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader fromWaiter = new BufferedReader(new InputStreamReader(waiter.getInputStream(), StandardCharsets.UTF_8));
        double[] latencies = new double[HANDOFFS];
        try {
            for (int i = -WARM_UP_HANDOFFS; i < HANDOFFS; i++) {
                LockHold hold = lock.acquireWrite();
                waiter.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
                waiter.getOutputStream().flush();
                fromWaiter.readLine(); // "waiting": it is about to wait for the lock
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
                + " max %.2f ms%n", HANDOFFS, latencies[HANDOFFS / 2], latencies[HANDOFFS * 9 / 10], latencies[HANDOFFS - 1]);
    }

    private static void waitForHandoffs(Path path) throws IOException {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path)) {
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
