package dev.filelock.benchmarks.jmh;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A nested read acquire+release on a ReadWriteFileLock the thread already reads, against the same on a {@link
 * ReentrantReadWriteLock} the thread already reads.
 */
@State(Scope.Thread)
public class NestedReadBenchmarks {

    private final ReentrantReadWriteLock readWriteLock = new ReentrantReadWriteLock();

    /** Takes the outer read level on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        readWriteLock.readLock().lock();
    }

    /** Checks the outer level belonged to the benchmark thread and releases it. */
    @TearDown(Level.Trial)
    public void tearDown() {
        int holds = readWriteLock.getReadHoldCount();
        readWriteLock.readLock().unlock();
        if (holds != 1) {
            throw new IllegalStateException("the outer read hold was not the benchmark thread's");
        }
    }

    /** Anchor: one more read level on a {@link ReentrantReadWriteLock}. */
    @Benchmark
    public void anchor() {
        readWriteLock.readLock().lock();
        readWriteLock.readLock().unlock();
    }
}
