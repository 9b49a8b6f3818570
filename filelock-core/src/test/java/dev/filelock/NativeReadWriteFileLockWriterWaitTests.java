package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.internal.posix.KernelLocks;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a writer of {@link NativeReadWriteFileLock} takes the lock: it tries the lock file
 * before the writers' gate (which only a waiting writer needs), and waits for another
 * process in the kernel, holding the gate meanwhile, rather than polling.
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
    void aWriterWaitsInTheKernelForFlockOfAnotherProcessHoldingTheGateMeanwhile() {
        try (ChildProcess holder = flockCommand("--exclusive", lockPath)) {
            holder.awaitLine("HELD");
            assertWaitsInTheKernelUntil(() -> {
                holder.send("release");
                assertThat(holder.awaitExit()).isZero();
            });
        }
    }

    @Test
    void aWriterWaitsInTheKernelForAReaderOfAnotherJvm() {
        try (ChildProcess holder = ReadWriteChild.start("native", "hold", lockPath.toString(), "read")) {
            assertThat(holder.reply()).isEqualTo("held");
            assertWaitsInTheKernelUntil(() -> {
                holder.send("release");
                assertThat(holder.reply()).isEqualTo("released");
            });
        }
    }

    @Test
    void aTimedOutWaitLeavesNoGateNoBlockedRequestAndNoDescriptor() throws IOException {
        try (ChildProcess holder = flockCommand("--exclusive", lockPath)) {
            holder.awaitLine("HELD");
            try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
                assertThatThrownBy(() -> lock.acquireWrite(Duration.ofMillis(200)))
                    .isInstanceOf(FileLockTimeoutException.class);

                assertThat(NativeReadWriteFileLockProcessTests.kernelFlocks(ProcessHandle.current().pid(), gatePath))
                    .isEmpty();
                await().atMost(GENEROUS).until(() -> !waitsInKernel(lockPath) && !waitsInKernel(gatePath));
                assertThat(lock.tryAcquireRead()).isEmpty();
            }
            await().atMost(GENEROUS).until(() -> OpenDescriptors.pointingAt(directory).isEmpty());
            holder.send("release");
            assertThat(holder.awaitExit()).isZero();
        }
    }

    /**
     * Starts a writer against the lock another process holds, checks that it blocks in
     * the kernel holding the gate (so our new readers give way), lets the holder go, and
     * checks that the writer then holds the lock alone.
     */
    private void assertWaitsInTheKernelUntil(Runnable releaseHolder) {
        long pid = ProcessHandle.current().pid();
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            Worker<LockHold> writer = Worker.start("writer", () -> lock.acquireWrite(GENEROUS)).awaitParked();
            await().atMost(GENEROUS).until(() -> waitsInKernel(lockPath));
            assertThat(NativeReadWriteFileLockProcessTests.kernelFlocks(pid, gatePath)).containsExactly(true);
            assertThat(flockTry("--shared", gatePath)).isEqualTo(1);

            releaseHolder.run();
            try (LockHold write = writer.awaitResult()) {
                assertThat(flockTry("--shared", lockPath)).isEqualTo(1);
                assertThat(NativeReadWriteFileLockProcessTests.kernelFlocks(pid, gatePath)).isEmpty();
            }
            assertThat(flockTry("--exclusive", lockPath)).isZero();
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Whether a thread of this process is blocked in {@code flock} on the file, as the
     * kernel's lock table says (a {@code ->} line).
     */
    private static boolean waitsInKernel(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        long device = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        long inode = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        long pid = ProcessHandle.current().pid();
        for (String line : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.US_ASCII)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 7 || !fields[1].equals("->") || !fields[2].equals("FLOCK")) {
                continue;
            }
            String[] id = fields[6].split(":");
            KernelLocks.KernelLock blocked = new KernelLocks.KernelLock(fields[2], fields[4].equals("WRITE"),
                    Long.parseLong(fields[5]), Integer.parseInt(id[0], 16), Integer.parseInt(id[1], 16),
                    Long.parseLong(id[2]));
            if (blocked.pid() == pid && blocked.matches(device, inode)) {
                return true;
            }
        }
        return false;
    }

    private static ChildProcess flockCommand(String mode, Path file) {
        return ChildProcess.start("flock(1) " + mode,
                new ProcessBuilder("flock", mode, file.toString(), "sh", "-c", "echo HELD; read line"));
    }

    private static int flockTry(String mode, Path file) {
        return NativeReadWriteFileLockFileTests.flockTry(file, mode);
    }

}
