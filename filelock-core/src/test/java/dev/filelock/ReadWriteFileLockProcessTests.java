package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite read/write lock between real processes: child JVMs running
 * {@link ReadWriteChild}.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class ReadWriteFileLockProcessTests {

    /**
     * SQLite's PENDING byte: a writer waiting for readers to leave keeps a write lock on
     * it (merged by the kernel with the RESERVED byte after it into one range).
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
        List<ChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                readers.add(readWriteChild("rendezvous", lockPath.toString(), markers.toString(), "r" + i, "3"));
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
                String writeEvery = i < 2 ? "2" : "5";
                workers
                    .add(readWriteChild("hammer", lockPath.toString(), markers.toString(), "p" + i, "60", writeEvery));
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
        try (ChildProcess reader = readWriteChild("hold", lockPath.toString(), "read");
                ChildProcess writer = startHolderAfter(reader, "write")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> holdsPendingByte(writer.pid()));
            try (ChildProcess lateReader = readWriteChild("try", lockPath.toString(), "read")) {
                assertThat(lateReader.reply()).isEqualTo("busy");
            }
            reader.send("release");
            assertThat(writer.reply()).isEqualTo("held");
            writer.send("release");
            assertThat(writer.reply()).isEqualTo("released");
        }
    }

    @Test
    void writerIsNotStarvedByAStreamOfReadersOfOtherProcesses() throws Exception {
        List<ChildProcess> readers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                readers.add(readWriteChild("stream", lockPath.toString(), markers.toString(), "r" + i));
            }
            try (ChildProcess writer = readWriteChild("hold", lockPath.toString(), "write")) {
                assertThat(writer.reply()).isEqualTo("held");
                writer.send("release");
                assertThat(writer.reply()).isEqualTo("released");
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
    void interruptOrCloseEndsAWaitForAnotherProcess() throws Exception {
        try (ChildProcess holder = readWriteChild("hold", lockPath.toString(), "write");
                ReadWriteFileLock interrupted = ReadWriteFileLock.of(lockPath);
                ReadWriteFileLock closed = ReadWriteFileLock.of(lockPath)) {
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
                ChildProcess holder = readWriteChild("hold", lockPath.toString(), mode)) {
            assertThat(holder.reply()).isEqualTo("held");
            assertThat(lock.tryAcquireWrite()).isEmpty();
            holder.kill();
            try (LockHold write = lock.acquireWrite(Duration.ofSeconds(30))) {
                assertThat(lock.heldMode()).contains(LockMode.WRITE);
            }
        }
    }

    private ChildProcess startHolderAfter(ChildProcess first, String mode) throws Exception {
        assertThat(first.reply()).isEqualTo("held");
        return readWriteChild("hold", lockPath.toString(), mode);
    }

    private static ChildProcess readWriteChild(String... args) {
        return ReadWriteChild.start("sqlite", args);
    }

    static boolean holdsPendingByte(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/locks"))
            .stream()
            .map(line -> line.trim().split("\\s+"))
            .anyMatch(fields -> fields.length >= 8 && fields[3].equals("WRITE") && fields[4].equals(Long.toString(pid))
                    && fields[6].equals(PENDING_BYTE));
    }

    private static void closeAll(List<ChildProcess> children) {
        for (ChildProcess child : children) {
            child.close();
        }
    }

}
