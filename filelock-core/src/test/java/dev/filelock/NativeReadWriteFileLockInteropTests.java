package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native read/write lock shares the lock file with every other {@code flock} user:
 * {@code flock(1)} shared and exclusive, Python's {@code filelock.FileLock} (Debian's
 * python3-filelock), another JVM's {@link FileLock}, and a {@link FileLock} of this JVM;
 * the SQLite {@link ReadWriteFileLock} on the same file in this JVM is refused.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class NativeReadWriteFileLockInteropTests {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<ReadWriteFileLock> locks = new ArrayList<>();

    private Path lockPath() {
        return directory.resolve("interop.lock");
    }

    private NativeReadWriteFileLock lock() {
        NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath());
        locks.add(lock);
        return lock;
    }

    @AfterEach
    void closeLocks() {
        locks.forEach(ReadWriteFileLock::close);
    }

    @Test
    void flockSharedSharesWithReadersAndExcludesWriters() {
        try (ChildProcess flock = flockCommand("--shared")) {
            flock.awaitLine("HELD");
            NativeReadWriteFileLock lock = lock();

            assertThat(lock.tryAcquireWrite()).isEmpty();
            try (LockHold read = lock.tryAcquireRead().orElseThrow()) {
                assertThat(lock.heldMode()).contains(LockMode.READ);
            }

            flock.send("release");
            assertThat(flock.awaitExit()).isZero();
            assertThat(lock.tryAcquireWrite()).hasValueSatisfying(LockHold::close);
        }
    }

    @Test
    void flockExclusiveExcludesReadersAndWriters() {
        try (ChildProcess flock = flockCommand("--exclusive")) {
            flock.awaitLine("HELD");
            NativeReadWriteFileLock lock = lock();

            assertThat(lock.tryAcquireRead()).isEmpty();
            assertThat(lock.tryAcquireWrite()).isEmpty();
            Worker<LockHold> reader = Worker.start("reader", () -> lock.acquireRead(GENEROUS)).awaitParked();

            flock.send("release");
            assertThat(flock.awaitExit()).isZero();
            reader.awaitResult().close();
        }
    }

    @Test
    void readersShareWithFlockSharedAndExcludeFlockExclusive() {
        try (LockHold read = lock().acquireRead()) {
            assertThat(flockTry("--shared")).isZero();
            assertThat(flockTry("--exclusive")).isEqualTo(1);
        }
        assertThat(flockTry("--exclusive")).isZero();
    }

    @Test
    void writersExcludeFlockSharedAndExclusive() {
        try (LockHold write = lock().acquireWrite()) {
            assertThat(flockTry("--shared")).isEqualTo(1);
            assertThat(flockTry("--exclusive")).isEqualTo(1);
        }
        assertThat(flockTry("--shared")).isZero();
    }

    @Test
    void pythonFileLockExcludesReadersAndWriters() {
        try (ChildProcess python = PythonFilelock.start("hold_lock.py", "FileLock", lockPath().toString())) {
            assertThat(python.awaitReady().call("acquire")).isEqualTo("held");
            NativeReadWriteFileLock lock = lock();

            assertThat(lock.tryAcquireRead()).isEmpty();
            assertThat(lock.tryAcquireWrite()).isEmpty();
            Worker<LockHold> writer = Worker.start("writer", () -> lock.acquireWrite(GENEROUS)).awaitParked();

            assertThat(python.call("release")).isEqualTo("released");
            writer.awaitResult().close();
        }
    }

    @Test
    void readersAndWritersExcludePythonFileLock() {
        NativeReadWriteFileLock lock = lock();
        try (LockHold read = lock.acquireRead()) {
            assertThat(pythonTry()).isEqualTo("TIMEOUT");
        }
        try (LockHold write = lock.acquireWrite()) {
            assertThat(pythonTry()).isEqualTo("TIMEOUT");
        }
        assertThat(pythonTry()).isEqualTo("ACQUIRED");
    }

    @Test
    void fileLockOfAnotherJvmExcludesBothModes() {
        try (ChildProcess holder = dev.filelock.fixtures.LockChild.holding("FileLock holder", "native", lockPath())) {
            NativeReadWriteFileLock lock = lock();

            assertThat(lock.tryAcquireRead()).isEmpty();
            assertThat(lock.tryAcquireWrite()).isEmpty();

            dev.filelock.fixtures.LockChild.release(holder);
            try (LockHold read = lock.acquireRead(GENEROUS)) {
                assertThat(lock.heldMode()).contains(LockMode.READ);
            }
        }
    }

    @Test
    void fileLockAndNativeReadWriteLockOfOneJvmExcludeEachOtherAsTwoProcessesWould() {
        NativeReadWriteFileLock readWrite = lock();
        FileLock exclusive = FileLock.of(lockPath());
        try (LockHold held = exclusive.acquire()) {
            assertThat(Worker.start("reader", () -> readWrite.tryAcquireRead().isPresent()).awaitResult()).isFalse();
            assertThat(Worker.start("writer", () -> readWrite.tryAcquireWrite().isPresent()).awaitResult()).isFalse();
        }
        LockHold read = readWrite.acquireRead();
        assertThat(Worker.start("exclusive", () -> exclusive.tryAcquire().isPresent()).awaitResult()).isFalse();
        Worker<LockHold> waiting = Worker.start("exclusive", () -> exclusive.acquire(GENEROUS)).awaitParked();
        read.close();
        waiting.awaitResult().close();
        assertThat(flockTry("--exclusive")).isZero();
    }

    @Test
    void sqliteReadWriteLockOnTheSameFileIsRefusedWhileTheNativeLockHasItOpen() throws IOException {
        NativeReadWriteFileLock lock = lock();
        try (LockHold read = lock.acquireRead(); ReadWriteFileLock sqlite = ReadWriteFileLock.of(lockPath())) {
            int descriptors = OpenDescriptors.pointingAt(directory).size();

            assertThatThrownBy(sqlite::tryAcquireRead).isInstanceOf(FileLockException.class)
                .hasMessageContaining("through flock (a FileLock or NativeReadWriteFileLock)")
                .hasMessageContaining("use one lock kind per file");

            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(descriptors);
            assertThat(flockTry("--exclusive")).as("the read lock is still held").isEqualTo(1);
        }
    }

    @Test
    void nativeLockOnAFileHeldThroughSqliteIsRefusedAndTheSqliteLockStaysHeld() throws IOException {
        Path path = lockPath();
        try (ReadWriteFileLock sqlite = ReadWriteFileLock.of(path); LockHold write = sqlite.acquireWrite()) {
            int descriptors = OpenDescriptors.pointingAt(directory).size();

            assertThatThrownBy(() -> lock().tryAcquireRead()).isInstanceOf(FileLockException.class)
                .hasMessageContaining("this JVM holds '" + path + "' as a ReadWriteFileLock (SQLite)")
                .hasMessageContaining("use one lock kind per file");

            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(descriptors);
            assertThat(DiagnosticsKeepLocksTests.pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void aGateFileHeldThroughSqliteByThisJvmIsNeverOpenedAndTheSqliteLockStaysHeld() throws IOException {
        Path gate = directory.resolve("interop.lock.writer");
        try (ReadWriteFileLock sqlite = ReadWriteFileLock.of(gate); LockHold write = sqlite.acquireWrite()) {
            int descriptors = OpenDescriptors.pointingAt(directory).size();

            assertThatThrownBy(() -> lock().acquireRead()).isInstanceOf(FileLockException.class)
                .hasMessageStartingWith("Cannot lock '" + lockPath() + "': its writers' gate file '" + gate + "':")
                .hasMessageContaining("as a ReadWriteFileLock (SQLite)");

            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(descriptors);
            assertThat(DiagnosticsKeepLocksTests.pythonTry(gate, "write")).isEqualTo("busy");
        }
    }

    private ChildProcess flockCommand(String mode) {
        return ChildProcess.start("flock(1) " + mode,
                new ProcessBuilder("flock", mode, lockPath().toString(), "sh", "-c", "echo HELD; read line"));
    }

    /**
     * One {@code flock --nonblock} attempt by another process: its exit code, 0 when it
     * got the lock, 1 when busy.
     */
    private int flockTry(String mode) {
        try {
            Process flock = new ProcessBuilder("flock", "--nonblock", mode, lockPath().toString(), "true").start();
            assertThat(flock.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            return flock.exitValue();
        }
        catch (IOException e) {
            throw new AssertionError("flock(1) from util-linux is required: apt-get install util-linux", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String pythonTry() {
        try (ChildProcess python = PythonFilelock.start("try_lock.py", "FileLock", lockPath().toString())) {
            String answer = python.nextLine();
            assertThat(python.awaitExit()).as(python::describe).isZero();
            return answer;
        }
    }

}
