package dev.filelock.benchmarks.jmh;

import dev.filelock.LockHold;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.benchmarks.RawFlock;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link NativeReadWriteFileLock} read and write acquire+release as the first holder in
 * the JVM, against a raw {@code
 * flock(LOCK_SH)} / {@code flock(LOCK_EX)} pair on a descriptor kept open.
 */
@State(Scope.Thread)
public class NativeReadWriteBenchmarks {

    private Path directory;

    private NativeReadWriteFileLock lock;

    private int rawFd;

    /** Creates our lock and opens the anchor's descriptor in a fresh directory. */
    @Setup(Level.Trial)
    public void setUp() {
        directory = TempDirectory.create("filelock-bench");
        lock = NativeReadWriteFileLock.of(directory.resolve("ours.lock"));
        rawFd = RawFlock.openLockFile(directory.resolve("raw.lock"));
    }

    /** Closes our lock and the raw descriptor and removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        lock.close();
        RawFlock.closeFd(rawFd);
        TempDirectory.delete(directory);
    }

    /**
     * Ours: one read acquire and release, nobody else in the JVM holding the lock (so it
     * passes the writers' gate).
     */
    @Benchmark
    public void oursRead() {
        LockHold hold = lock.acquireRead();
        hold.close();
    }

    /**
     * Ours: one write acquire and release, nobody else in the JVM holding the lock (so it
     * takes the writers' gate).
     */
    @Benchmark
    public void oursWrite() {
        LockHold hold = lock.acquireWrite();
        hold.close();
    }

    /** Anchor of a read: {@code flock(LOCK_SH|LOCK_NB)} then {@code flock(LOCK_UN)}. */
    @Benchmark
    public void anchorRead() {
        RawFlock.tryLockSharedAndUnlock(rawFd);
    }

    /** Anchor of a write: {@code flock(LOCK_EX|LOCK_NB)} then {@code flock(LOCK_UN)}. */
    @Benchmark
    public void anchorWrite() {
        RawFlock.tryLockAndUnlock(rawFd);
    }

}
