package dev.filelock.benchmarks.jmh;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A reentrant inner acquire+release of a {@link FileLock} the thread already holds,
 * against the same on a {@link ReentrantLock} the thread already holds: like for like, no
 * system call on either side.
 */
@State(Scope.Thread)
public class ReentrantBenchmarks {

    private Path directory;

    private FileLock lock;

    private LockHold outerHold;

    private final ReentrantLock reentrantLock = new ReentrantLock();

    /**
     * Takes the outer level of both locks; JMH runs thread-scoped setup on the benchmark
     * thread itself.
     */
    @Setup(Level.Trial)
    public void setUp() {
        directory = TempDirectory.create("filelock-bench");
        lock = FileLock.of(directory.resolve("reentrant.lock"));
        outerHold = lock.acquire();
        reentrantLock.lock();
    }

    /**
     * Checks that the outer levels really belonged to the benchmark thread, then releases
     * them.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        boolean ownedByBenchmarkThread = lock.holdCount() == 1 && reentrantLock.isHeldByCurrentThread();
        outerHold.close();
        reentrantLock.unlock();
        TempDirectory.delete(directory);
        if (!ownedByBenchmarkThread) {
            throw new IllegalStateException(
                    "the outer holds were not the benchmark thread's: the inner ops were not reentrant");
        }
    }

    /** Ours: one more level on a lock the thread holds. */
    @Benchmark
    public void ours() {
        LockHold inner = lock.acquire();
        inner.close();
    }

    /** Anchor: one more level on a {@link ReentrantLock} the thread holds. */
    @Benchmark
    public void anchor() {
        reentrantLock.lock();
        reentrantLock.unlock();
    }

}
