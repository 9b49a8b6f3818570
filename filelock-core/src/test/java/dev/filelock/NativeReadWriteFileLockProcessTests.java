package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.internal.posix.KernelLocks;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native read/write lock between real processes: child JVMs running
 * {@link ReadWriteChild} with {@code flock} locks, and the writers' gate that keeps a
 * stream of our readers, in other processes or in this JVM, from starving a writer.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class NativeReadWriteFileLockProcessTests {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Path lockPath;

    private Path gatePath;

    private Path markers;

    @BeforeEach
    void paths() throws IOException {
        lockPath = directory.resolve("shared.lock");
        gatePath = directory.resolve("shared.lock.writer");
        markers = Files.createDirectory(directory.resolve("markers"));
    }

    @Test
    void readersOfSeveralProcessesHoldTheLockTogether() throws Exception {
        List<ChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                readers.add(child("rendezvous", lockPath.toString(), markers.toString(), "r" + i, "3"));
            }
            for (ChildProcess reader : readers) {
                assertThat(reader.reply()).isEqualTo("met 3");
                assertThat(ReadWriteChild.quit(reader)).isZero();
            }
        }
        finally {
            closeAll(readers);
        }
    }

    @Test
    void writersOfSeveralProcessesNeverOverlapAnyOtherHolder() throws Exception {
        List<ChildProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                workers.add(child("hammer", lockPath.toString(), markers.toString(), "p" + i, "60", i < 2 ? "2" : "5"));
            }
            for (ChildProcess worker : workers) {
                assertThat(worker.reply()).isEqualTo("done");
                assertThat(ReadWriteChild.quit(worker)).isZero();
            }
        }
        finally {
            closeAll(workers);
        }
        assertThat(Files.size(lockPath)).isZero();
    }

    @Test
    void waitingWriterHoldsBackNewReadersOfOtherProcesses() throws Exception {
        try (ChildProcess reader = child("hold", lockPath.toString(), "read");
                ChildProcess writer = startAfterHeld(reader, "hold", lockPath.toString(), "write")) {
            awaitFlock(writer, gatePath, true);
            try (ChildProcess lateReader = child("try", lockPath.toString(), "read")) {
                assertThat(lateReader.reply()).isEqualTo("busy");
            }
            reader.send("release");
            assertThat(writer.reply()).isEqualTo("held");
            writer.send("release");
            assertThat(writer.reply()).isEqualTo("released");
        }
    }

    @Test
    void writerOfAnotherProcessWaitingAtTheGateHoldsBackNewReadersOfAJvmThatAlreadyReads() throws Exception {
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            LockHold read = lock.acquireRead();
            try (ChildProcess writer = child("hold", lockPath.toString(), "write")) {
                awaitFlock(writer, gatePath, true);

                // Another thread would join the shared hold in memory: it waits for the
                // writer instead.
                assertThat(tryReadOnAnotherThread(lock)).isFalse();
                // A thread that already reads takes another level (else it would wait for
                // a writer waiting for it).
                lock.acquireRead().close();

                read.close();
                assertThat(writer.reply()).isEqualTo("held");
                assertThat(lock.tryAcquireRead()).isEmpty();
                writer.send("release");
                assertThat(writer.reply()).isEqualTo("released");
            }
            try (LockHold again = lock.acquireRead(GENEROUS)) {
                assertThat(lock.heldMode()).contains(LockMode.READ);
            }
        }
    }

    /**
     * Two other processes keep a continuous stream of overlapping readers (two threads
     * each, so that neither JVM ever gives its shared hold back on its own): a writer in
     * a third gets the lock while they keep coming.
     */
    @Test
    void writerIsNotStarvedByStreamsOfOverlappingReadersInTwoOtherProcesses() throws Exception {
        List<ChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                readers.add(child("stream", lockPath.toString(), markers.toString(), "r" + i, "2"));
            }
            for (ChildProcess reader : readers) {
                awaitFlock(reader, lockPath, false);
            }
            try (ChildProcess writer = child("timed-write", lockPath.toString(), Long.toString(GENEROUS.toSeconds()))) {
                assertThat(writer.reply()).isEqualTo("waiting");
                String held = writer.reply();
                assertThat(held).startsWith("held ");
                System.out.println("[native read/write] a writer waited " + held.substring(5)
                        + " ms against two processes streaming overlapping readers");
                writer.send("release");
                assertThat(writer.reply()).isEqualTo("released");
            }
            for (ChildProcess reader : readers) {
                awaitFlock(reader, lockPath, false); // they kept coming
            }
            Files.createFile(markers.resolve("stop"));
            for (ChildProcess reader : readers) {
                assertThat(reader.reply()).contains("read");
                assertThat(ReadWriteChild.quit(reader)).isZero();
            }
        }
        finally {
            closeAll(readers);
        }
    }

    @Test
    void killedWriterWaitingAtTheGateLetsReadersIn() throws Exception {
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            LockHold read = lock.acquireRead();
            try (ChildProcess writer = child("hold", lockPath.toString(), "write")) {
                awaitFlock(writer, gatePath, true);
                assertThat(tryReadOnAnotherThread(lock)).isFalse();
                writer.kill();
                await().atMost(GENEROUS).until(() -> tryReadOnAnotherThread(lock));
            }
            finally {
                read.close();
            }
        }
    }

    @Test
    void aGateDeletedWhileThisJvmKeptItOpenStillHoldsItsReadersBack() throws Exception {
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            lock.acquireRead().close(); // the gate's descriptor stays open, parked
            Files.delete(gatePath); // a clean-up; the next writer creates a new gate
            try (ChildProcess reader = child("hold", lockPath.toString(), "read");
                    ChildProcess writer = startAfterHeld(reader, "hold", lockPath.toString(), "write")) {
                awaitFlock(writer, gatePath, true);

                assertThat(lock.tryAcquireRead()).isEmpty();

                reader.send("release");
                assertThat(writer.reply()).isEqualTo("held");
                writer.send("release");
                assertThat(writer.reply()).isEqualTo("released");
            }
            try (LockHold read = lock.acquireRead(GENEROUS)) {
                assertThat(lock.heldMode()).contains(LockMode.READ);
            }
        }
    }

    @Test
    void asyncAcquisitionsWaitForAnotherProcessAndACancelledOneLeavesTheGate() throws Exception {
        try (ChildProcess holder = child("hold", lockPath.toString(), "read");
                NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath)) {
            assertThat(holder.reply()).isEqualTo("held");
            CompletableFuture<LockHold> cancelled = lock.acquireWriteAsync(GENEROUS);
            await().atMost(GENEROUS).until(() -> kernelFlocks(ProcessHandle.current().pid(), gatePath).contains(true));
            cancelled.cancel(true);
            await().atMost(GENEROUS).until(() -> kernelFlocks(ProcessHandle.current().pid(), gatePath).isEmpty());

            CompletableFuture<LockHold> write = lock.acquireWriteAsync(GENEROUS);
            assertThat(write).isNotDone();
            holder.send("release");
            assertThat(holder.reply()).isEqualTo("released");
            try (LockHold hold = write.get(GENEROUS.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(NativeReadWriteFileLockFileTests.flockTry(lockPath, "--shared")).isEqualTo(1);
            }
        }
    }

    @Test
    void killedWriterReleasesTheLockAtOnce() throws Exception {
        assertKilledHolderReleases("write");
    }

    @Test
    void killedReaderReleasesTheLockAtOnce() throws Exception {
        assertKilledHolderReleases("read");
    }

    @Test
    void probeNamesTheOtherProcessAndItsModeFromTheKernelTable() throws Exception {
        for (LockMode mode : LockMode.values()) {
            String modeName = mode.name().toLowerCase(java.util.Locale.ROOT);
            try (ChildProcess holder = child("hold", lockPath.toString(), modeName)) {
                assertThat(holder.reply()).isEqualTo("held");
                assertThat(FileLockDiagnostics.probe(lockPath).otherProcesses())
                    .containsExactly(new ProcessHolder(holder.pid(), null, "flock", mode));
                holder.send("release");
                assertThat(holder.reply()).isEqualTo("released");
            }
        }
    }

    @Test
    void interruptOrCloseEndsAWaitForAnotherProcess() throws Exception {
        try (ChildProcess holder = child("hold", lockPath.toString(), "write");
                NativeReadWriteFileLock interrupted = NativeReadWriteFileLock.of(lockPath);
                NativeReadWriteFileLock closed = NativeReadWriteFileLock.of(lockPath)) {
            assertThat(holder.reply()).isEqualTo("held");
            Worker<LockHold> interruptedWait = Worker.start("interrupted", () -> interrupted.acquireWrite())
                .awaitParked();
            interruptedWait.interrupt();
            assertThat(interruptedWait.awaitFailure()).isInstanceOf(FileLockInterruptedException.class);
            Worker<LockHold> closedWait = Worker.start("closed", () -> closed.acquireRead()).awaitParked();
            closed.close();
            assertThat(closedWait.awaitFailure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
            assertThat(interrupted.tryAcquireRead()).isEmpty();
            assertThat(kernelFlocks(ProcessHandle.current().pid(), gatePath)).as("no gate left held").isEmpty();
        }
    }

    private void assertKilledHolderReleases(String mode) throws Exception {
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(lockPath);
                ChildProcess holder = child("hold", lockPath.toString(), mode)) {
            assertThat(holder.reply()).isEqualTo("held");
            assertThat(lock.tryAcquireWrite()).isEmpty();
            holder.kill();
            try (LockHold write = lock.acquireWrite(GENEROUS)) {
                assertThat(lock.heldMode()).contains(LockMode.WRITE);
            }
        }
    }

    /**
     * One read attempt on a thread that holds nothing, so it cannot join this thread's
     * read levels by reentering.
     */
    private static boolean tryReadOnAnotherThread(NativeReadWriteFileLock lock) {
        return Worker.start("late reader", () -> lock.tryAcquireRead().map(hold -> {
            hold.close();
            return true;
        }).orElse(false)).awaitResult();
    }

    private ChildProcess startAfterHeld(ChildProcess first, String... args) {
        assertThat(first.reply()).isEqualTo("held");
        return child(args);
    }

    private static ChildProcess child(String... args) {
        return ReadWriteChild.start("native", args);
    }

    /**
     * Waits until the child holds a flock lock on the file, exclusive or shared, as the
     * kernel's lock table says.
     */
    private static void awaitFlock(ChildProcess child, Path file, boolean exclusive) {
        await().atMost(GENEROUS).until(() -> kernelFlocks(child.pid(), file).contains(exclusive));
    }

    /**
     * The flock locks the process holds on the file: true for each exclusive one, false
     * for each shared one.
     */
    static List<Boolean> kernelFlocks(long pid, Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        long device = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        long inode = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        return KernelLocks.read()
            .orElseThrow()
            .stream()
            .filter(lock -> lock.family().equals("FLOCK") && lock.pid() == pid && lock.matches(device, inode))
            .map(KernelLocks.KernelLock::write)
            .toList();
    }

    private static void closeAll(List<ChildProcess> children) {
        children.forEach(ChildProcess::close);
    }

}
