package dev.filelock.benchmarks.jmh;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.benchmarks.RawFlock;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Uncontended {@link FileLock} acquire+release against a raw {@code flock} pair on an
 * open descriptor.
 */
@State(Scope.Thread)
public class FileLockBenchmarks {

    private Path directory;

    private FileLock lock;

    private int rawFd;

    /** Creates the lock files in a fresh directory. */
    @Setup(Level.Trial)
    public void setUp() {
        directory = TempDirectory.create("filelock-bench");
        lock = FileLock.of(directory.resolve("ours.lock"));
        rawFd = RawFlock.openLockFile(directory.resolve("raw.lock"));
    }

    /** Closes the raw descriptor and removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        RawFlock.closeFd(rawFd);
        TempDirectory.delete(directory);
    }

    /** Ours: one acquire and release of a lock nobody else holds. */
    @Benchmark
    public void ours() {
        LockHold hold = lock.acquire();
        hold.close();
    }

    /**
     * Anchor: {@code flock(LOCK_EX|LOCK_NB)} then {@code flock(LOCK_UN)} on a descriptor
     * kept open.
     */
    @Benchmark
    public void anchor() {
        RawFlock.tryLockAndUnlock(rawFd);
    }

}
