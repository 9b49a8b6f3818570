package dev.filelock;

import static dev.filelock.fixtures.LockMeasurements.microsPerOperation;

import dev.filelock.fixtures.LockMeasurements;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures (never asserts) the soft read/write lock: uncontended cost of a read and a
 * write acquire+release, and the writer-to-writer handoff between two processes. Not a
 * test; run it with
 *
 * <pre>
 * mvn -q -pl filelock-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     "-Dexec.args=-cp %classpath dev.filelock.SoftReadWriteLockMeasurements"
 * </pre>
 */
final class SoftReadWriteLockMeasurements {

    private static final int OPERATIONS = 2_000;

    private static final int HANDOFFS = 50;

    private SoftReadWriteLockMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals(LockMeasurements.WAITER)) {
            try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(Path.of(args[1]))) {
                LockMeasurements.serveHandoffs(lock::acquireWrite);
            }
            return;
        }
        Path path = Files.createTempDirectory("soft-rw-measurements").resolve("measure.lock");
        try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path)) {
            for (int round = 0; round < 3; round++) {
                System.out.printf("round %d: read %.0f us/op, write %.0f us/op%n", round,
                        microsPerOperation(OPERATIONS, () -> lock.acquireRead().close()),
                        microsPerOperation(OPERATIONS, () -> lock.acquireWrite().close()));
            }
            LockMeasurements.printHandoffs(SoftReadWriteLockMeasurements.class, path, HANDOFFS, lock::acquireWrite);
        }
    }

}
