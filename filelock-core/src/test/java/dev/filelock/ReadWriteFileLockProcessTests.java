package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite read/write lock between real processes: child JVMs running {@link ReadWriteChild}. */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to use
class ReadWriteFileLockProcessTests {

    /**
     * SQLite's PENDING byte: a writer waiting for readers to leave keeps a write lock on it (merged by the kernel with
     * the RESERVED byte after it into one range).
     */
    private static final String PENDING_BYTE = "1073741824";

    @TempDir
    Path directory;

    private Path lockPath;
    private Path markers;

    @BeforeEach
    void paths() throws IOException {
        lockPath = directory.resolve("shared.db");
        markers = Files.createDirectory(directory.resolve("markers"));
    }

    @Test
    void readersOfSeveralProcessesHoldTheLockTogether() throws Exception {
        List<ReadWriteChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                readers.add(ReadWriteChildProcess.java("rendezvous", lockPath.toString(), markers.toString(), "r" + i,
                        "3"));
            }
            for (ReadWriteChildProcess reader : readers) {
                assertThat(reader.readLine()).isEqualTo("met 3");
                assertThat(reader.exitCode()).isZero();
            }
        } finally {
            closeAll(readers);
        }
    }

    @Test
    void writersOfSeveralProcessesNeverOverlapAnyOtherHolder() throws Exception {
        List<ReadWriteChildProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                String writeEvery = i < 2 ? "2" : "5";
                workers.add(ReadWriteChildProcess.java("hammer", lockPath.toString(), markers.toString(), "p" + i,
                        "60", writeEvery));
            }
            for (ReadWriteChildProcess worker : workers) {
                assertThat(worker.readLine()).isEqualTo("done");
                assertThat(worker.exitCode()).isZero();
            }
        } finally {
            closeAll(workers);
        }
        assertThat(Files.size(lockPath)).isZero();
    }

    @Test
    void waitingWriterHoldsBackNewReadersOfOtherProcesses() throws Exception {
        try (ReadWriteChildProcess reader = ReadWriteChildProcess.java("hold", lockPath.toString(), "read");
                ReadWriteChildProcess writer = startHolderAfter(reader, "write")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> holdsPendingByte(writer.pid()));
            try (ReadWriteChildProcess lateReader = ReadWriteChildProcess.java("try", lockPath.toString(), "read")) {
                assertThat(lateReader.readLine()).isEqualTo("busy");
            }
            reader.send("release");
            assertThat(writer.readLine()).isEqualTo("held");
            writer.send("release");
            assertThat(writer.readLine()).isEqualTo("released");
        }
    }

    @Test
    void writerIsNotStarvedByAStreamOfReadersOfOtherProcesses() throws Exception {
        List<ReadWriteChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                readers.add(ReadWriteChildProcess.java("stream", lockPath.toString(), markers.toString(), "r" + i));
            }
            try (ReadWriteChildProcess writer = ReadWriteChildProcess.java("hold", lockPath.toString(), "write")) {
                assertThat(writer.readLine()).isEqualTo("held");
                writer.send("release");
                assertThat(writer.readLine()).isEqualTo("released");
            }
            Files.createFile(markers.resolve("stop"));
            for (ReadWriteChildProcess reader : readers) {
                assertThat(reader.readLine()).contains("read");
                assertThat(reader.exitCode()).isZero();
            }
        } finally {
            closeAll(readers);
        }
    }

    @Test
    void interruptOrCloseEndsAWaitForAnotherProcess() throws Exception {
        try (ReadWriteChildProcess holder = ReadWriteChildProcess.java("hold", lockPath.toString(), "write");
                ReadWriteFileLock interrupted = ReadWriteFileLock.of(lockPath);
                ReadWriteFileLock closed = ReadWriteFileLock.of(lockPath)) {
            assertThat(holder.readLine()).isEqualTo("held");
            BackgroundTask<LockHold> interruptedWait =
                    BackgroundTask.start("interrupted", () -> interrupted.acquireWrite()).awaitBlocked();
            interruptedWait.interrupt();
            assertThat(interruptedWait.failure()).isInstanceOf(FileLockInterruptedException.class);
            BackgroundTask<LockHold> closedWait =
                    BackgroundTask.start("closed", () -> closed.acquireRead()).awaitBlocked();
            closed.close();
            assertThat(closedWait.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(interrupted.tryAcquireRead()).isEmpty();
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

    private void assertKilledHolderReleases(String mode) throws Exception {
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath);
                ReadWriteChildProcess holder = ReadWriteChildProcess.java("hold", lockPath.toString(), mode)) {
            assertThat(holder.readLine()).isEqualTo("held");
            assertThat(lock.tryAcquireWrite()).isEmpty();
            holder.kill();
            try (LockHold write = lock.acquireWrite(Duration.ofSeconds(30))) {
                assertThat(lock.heldMode()).contains(LockMode.WRITE);
            }
        }
    }

    private ReadWriteChildProcess startHolderAfter(ReadWriteChildProcess first, String mode) throws Exception {
        assertThat(first.readLine()).isEqualTo("held");
        return ReadWriteChildProcess.java("hold", lockPath.toString(), mode);
    }

    static boolean holdsPendingByte(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .map(line -> line.trim().split("\\s+"))
                .anyMatch(fields -> fields.length >= 8 && fields[3].equals("WRITE")
                        && fields[4].equals(Long.toString(pid)) && fields[6].equals(PENDING_BYTE));
    }

    private static void closeAll(List<ReadWriteChildProcess> children) throws InterruptedException {
        for (ReadWriteChildProcess child : children) {
            child.close();
        }
    }
}
