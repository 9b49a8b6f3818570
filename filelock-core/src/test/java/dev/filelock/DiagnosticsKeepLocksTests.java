package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.FileLockDiagnostics.Probe;
import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.internal.LockFileReads;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Diagnostics and record reads never open (and so never close) a file on which this JVM
 * holds POSIX locks: closing any descriptor of it would drop SQLite's read/write lock and
 * let another process in. Checked from outside, by a Python process following the SQLite
 * protocol that tries to get in.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class DiagnosticsKeepLocksTests {

    @TempDir
    Path directory;

    @Test
    void probingAndListingAWriteHeldReadWriteLockLetsNoOtherProcessIn() throws Exception {
        Path path = directory.resolve("held.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path); LockHold write = lock.acquireWrite()) {
            Probe probe = FileLockDiagnostics.probe(path);
            FileLockDiagnostics.probe(directory.resolve(".").resolve("held.db"));
            Path canonical = path.toRealPath();
            assertThat(FileLockDiagnostics.activeLocks()).anyMatch(active -> active.path().equals(canonical));

            assertThat(probe.exists()).isTrue();
            assertThat(probe.heldByAnotherProcess()).isFalse();
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
            assertThat(pythonTry(path, "read")).isEqualTo("busy");
            assertThat(lock.heldMode()).contains(LockMode.WRITE);
        }
        assertThat(pythonTry(path, "write")).isEqualTo("acquired");
    }

    @Test
    void probingAReadHeldReadWriteLockLetsNoOtherWriterIn() throws Exception {
        Path path = directory.resolve("read.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path); LockHold read = lock.acquireRead()) {
            FileLockDiagnostics.probe(path);

            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void aSoftLockAttemptOnAFileThisJvmHoldsThroughSqliteDropsNothing() throws Exception {
        Path path = directory.resolve("mixed.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path); LockHold write = lock.acquireWrite()) {
            // The soft lock finds the file taken and reads it for a holder's record,
            // which it must not do here.
            assertThat(SoftFileLock.of(path).tryAcquire()).isEmpty();

            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void readsOfAFileThisJvmHasOpenThroughSqliteAreRefusedUnderAnyName() throws Exception {
        Path path = directory.resolve("refused.db");
        Path hardLink = directory.resolve("other-name.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            lock.acquireRead().close(); // the connection stays open, parked, holding
                                        // nothing
            Files.createLink(hardLink, path);

            assertThatThrownBy(() -> LockFileReads.read(path, 100)).isInstanceOf(LockFileReads.HeldByThisProcess.class);
            assertThatThrownBy(() -> LockFileReads.read(hardLink, 100))
                .isInstanceOf(LockFileReads.HeldByThisProcess.class)
                .hasMessageContaining(hardLink.toString());
        }
        assertThat(LockFileReads.read(path, 100)).isEmpty();
    }

    @Test
    void readsOfAFilePosixLockedByOtherCodeOfThisJvmAreRefused() throws Exception {
        Path path = Files.writeString(directory.resolve("fcntl.lock"), "4242\nsome-host\n");
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
                java.nio.channels.FileLock posixLock = channel.lock()) {
            assertThatThrownBy(() -> LockFileReads.read(path, 100)).isInstanceOf(LockFileReads.HeldByThisProcess.class);
            assertThat(FileLockDiagnostics.probe(path).otherProcesses()).isEmpty();

            assertThat(pythonFcntlTry(path)).isEqualTo("busy");
        }
        assertThat(new String(LockFileReads.read(path, 100))).isEqualTo("4242\nsome-host\n");
    }

    @Test
    void aRegularRecordIsReadUpToTheLimitAndAFifoIsNeverOpened() throws Exception {
        Path record = Files.writeString(directory.resolve("record.lock"), "12345\nhost\n");
        Path fifo = directory.resolve("fifo.lock");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();

        assertThat(new String(LockFileReads.read(record, 5))).isEqualTo("12345");
        assertThatThrownBy(() -> LockFileReads.read(fifo, 100)).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> LockFileReads.read(directory.resolve("missing"), 100))
            .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "native", "soft", "write", "read", "soft-write" })
    void probingALockHeldByAnotherProcessReportsItAndChangesNothing(String kind) throws Exception {
        Path path = directory.resolve(kind + ".lock");
        try (ChildProcess child = LockHolderChild.holding(kind, path)) {
            Optional<byte[]> before = contentOf(path);

            Probe probe = FileLockDiagnostics.probe(path);

            assertThat(probe.heldByAnotherProcess()).isTrue();
            assertThat(probe.otherProcesses()).extracting(ProcessHolder::pid).contains(child.pid());
            assertThat(probe.otherProcesses()).extracting(ProcessHolder::mode)
                .contains(kind.equals("read") ? LockMode.READ : LockMode.WRITE);
            assertThat(contentOf(path)).usingRecursiveComparison().isEqualTo(before);
            assertThat(stillExcludes(kind, path)).isTrue();
        }
    }

    private boolean stillExcludes(String kind, Path path) throws Exception {
        return switch (kind) {
            case "native" -> LockHolderChild.tryLockInChild(path).equals("busy");
            case "soft" -> SoftFileLock.of(path).tryAcquire().isEmpty();
            case "write" -> pythonTry(path, "read").equals("busy");
            case "read" -> pythonTry(path, "write").equals("busy");
            case "soft-write" -> {
                try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path)) {
                    yield lock.tryAcquireRead().isEmpty();
                }
            }
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Optional<byte[]> contentOf(Path path) throws Exception {
        // Only files of another process's locks are read here: this JVM holds nothing on
        // them.
        return Files.isRegularFile(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
    }

    static String pythonTry(Path path, String mode) {
        try (ChildProcess python = PythonFilelock.startStandardLibraryScript("sqlite_rw_lock.py", path.toString())) {
            String answer = python.awaitReady().call("try " + mode);
            python.call(ChildMain.QUIT);
            assertThat(python.awaitExit()).as(python::describe).isZero();
            return answer;
        }
    }

    /**
     * One non-blocking POSIX lock attempt by another process, as Python's
     * {@code fcntl.lockf} takes it.
     */
    private static String pythonFcntlTry(Path path) {
        PythonFilelock.requirePython();
        String program = "import fcntl, sys\n" + "f = open(sys.argv[1], 'r+')\n" + "try:\n"
                + "    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n" + "    print('acquired', flush=True)\n"
                + "except OSError:\n" + "    print('busy', flush=True)\n";
        try (ChildProcess python = ChildProcess.start("fcntl attempt",
                new ProcessBuilder(PythonFilelock.PYTHON.toString(), "-c", program, path.toString()))) {
            String answer = python.nextLine();
            assertThat(python.awaitExit()).as(python::describe).isZero();
            return answer;
        }
    }

}
