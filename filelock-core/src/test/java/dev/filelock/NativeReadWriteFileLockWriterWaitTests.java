package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a writer of {@link NativeReadWriteFileLock} takes the lock: it tries the lock file
 * before the writers' gate (which only a waiting writer needs), and holds the gate only
 * while it waits for another process.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class NativeReadWriteFileLockWriterWaitTests {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Path lockPath;

    private Path gatePath;

    @BeforeEach
    void paths() {
        lockPath = directory.resolve("waited.lock");
        gatePath = directory.resolve("waited.lock.writer");
    }

    @Test
    void aWriterTakesAFreeLockFileWithoutWaitingForTheGate() throws IOException {
        Files.createFile(gatePath);
        try (ChildProcess gateHolder = flockCommand("--exclusive", gatePath);
                NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            gateHolder.awaitLine("HELD");

            try (LockHold write = lock.tryAcquireWrite().orElseThrow()) {
                assertThat(flockTry("--shared", lockPath)).isEqualTo(1);
            }
            // Readers still give way to whoever holds the gate.
            assertThat(lock.tryAcquireRead()).isEmpty();

            gateHolder.send("release");
            assertThat(gateHolder.awaitExit()).isZero();
        }
    }

    @Test
    void aWaitingWriterHoldsTheGateUntilFlockOfAnotherProcessLetsGo() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (ChildProcess holder = flockCommand("--exclusive", lockPath);
                NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            holder.awaitLine("HELD");
            Worker<LockHold> writer = Worker.start("writer", () -> lock.acquireWrite(GENEROUS)).awaitParked();
            await().atMost(GENEROUS)
                .until(() -> NativeReadWriteFileLockProcessTests.kernelFlocks(pid, gatePath).contains(true));
            assertThat(flockTry("--shared", gatePath)).isEqualTo(1);

            holder.send("release");
            assertThat(holder.awaitExit()).isZero();
            try (LockHold write = writer.awaitResult()) {
                assertThat(flockTry("--shared", lockPath)).isEqualTo(1);
                assertThat(NativeReadWriteFileLockProcessTests.kernelFlocks(pid, gatePath)).isEmpty();
            }
            assertThat(flockTry("--exclusive", lockPath)).isZero();
        }
    }

    @Test
    void aTimedOutWaitLeavesNoGateAndNoDescriptor() throws IOException {
        try (ChildProcess holder = flockCommand("--exclusive", lockPath)) {
            holder.awaitLine("HELD");
            try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
                assertThatThrownBy(() -> lock.acquireWrite(Duration.ofMillis(200)))
                    .isInstanceOf(FileLockTimeoutException.class);

                assertThat(NativeReadWriteFileLockProcessTests.kernelFlocks(ProcessHandle.current().pid(), gatePath))
                    .isEmpty();
                assertThat(lock.tryAcquireRead()).isEmpty();
            }
            await().atMost(GENEROUS).until(() -> OpenDescriptors.pointingAt(directory).isEmpty());
            holder.send("release");
            assertThat(holder.awaitExit()).isZero();
        }
    }

    private static ChildProcess flockCommand(String mode, Path file) {
        return ChildProcess.start("flock(1) " + mode,
                new ProcessBuilder("flock", mode, file.toString(), "sh", "-c", "echo HELD; read line"));
    }

    private static int flockTry(String mode, Path file) {
        return NativeReadWriteFileLockFileTests.flockTry(file, mode);
    }

}
