package dev.filelock;

import static dev.filelock.fixtures.LockMeasurements.microsPerOperation;

import dev.filelock.fixtures.LockMeasurements;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures (never asserts) the SQLite read/write lock: uncontended cost per operation in
 * one JVM, and the median writer-to-writer handoff between two processes. Not a test; run
 * it with
 *
 * <pre>
 * mvn -q -pl filelock-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     "-Dexec.args=-cp %classpath dev.filelock.ReadWriteLockMeasurements"
 * </pre>
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
final class ReadWriteLockMeasurements {

    private static final int OPERATIONS = 20_000;

    private static final int HANDOFFS = 100;

    private ReadWriteLockMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals(LockMeasurements.WAITER)) {
            try (ReadWriteFileLock lock = ReadWriteFileLock.of(Path.of(args[1]))) {
                LockMeasurements.serveHandoffs(lock::acquireWrite);
            }
            return;
        }
        Path directory = Files.createTempDirectory("rw-measurements");
        Path path = directory.resolve("measure.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            for (int round = 0; round < 3; round++) {
                System.out.printf(
                        "round %d: read %.1f us/op, write %.1f us/op, nested read %.2f us/op,"
                                + " readLock().lock()+unlock() nested %.2f us/op%n",
                        round, microsPerOperation(OPERATIONS, () -> lock.acquireRead().close()),
                        microsPerOperation(OPERATIONS, () -> lock.acquireWrite().close()),
                        nested(lock, () -> lock.acquireRead().close()), nested(lock, () -> {
                            lock.readLock().lock();
                            lock.readLock().unlock();
                        }));
            }
            LockMeasurements.printHandoffs(ReadWriteLockMeasurements.class, path, HANDOFFS, lock::acquireWrite);
        }
        Files.deleteIfExists(path);
        Files.deleteIfExists(directory);
    }

    private static double nested(ReadWriteFileLock lock, Runnable operation) {
        try (LockHold outer = lock.acquireRead()) {
            return microsPerOperation(OPERATIONS, operation);
        }
    }

}
