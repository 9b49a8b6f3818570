package dev.filelock.benchmarks.jmh;

import dev.filelock.LockHold;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A nested read acquire+release on a ReadWriteFileLock the thread already reads, against
 * the same on a {@link ReentrantReadWriteLock} the thread already reads.
 */
@State(Scope.Thread)
public class NestedReadBenchmarks {

    private Path directory;

    private ReadWriteFileLock lock;

    private LockHold outerHold;

    private final ReentrantReadWriteLock readWriteLock = new ReentrantReadWriteLock();

    /** Takes the outer read level of both locks on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        directory = TempDirectory.create("filelock-bench");
        lock = ReadWriteFileLock.of(directory.resolve("nested.db"));
        outerHold = lock.acquireRead();
        readWriteLock.readLock().lock();
    }

    /** Checks the outer levels belonged to the benchmark thread and releases them. */
    @TearDown(Level.Trial)
    public void tearDown() {
        boolean ownedByBenchmarkThread = lock.holdCount() == 1 && readWriteLock.getReadHoldCount() == 1;
        outerHold.close();
        lock.close();
        readWriteLock.readLock().unlock();
        TempDirectory.delete(directory);
        if (!ownedByBenchmarkThread) {
            throw new IllegalStateException("the outer read holds were not the benchmark thread's");
        }
    }

    /** Ours: one more read level on a lock the thread already reads. */
    @Benchmark
    public void ours() {
        LockHold inner = lock.acquireRead();
        inner.close();
    }

    /** Anchor: one more read level on a {@link ReentrantReadWriteLock}. */
    @Benchmark
    public void anchor() {
        readWriteLock.readLock().lock();
        readWriteLock.readLock().unlock();
    }

}
