package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java and Python share one lock file: a Python process following filelock's
 * {@code ReadWriteLock} SQLite protocol
 * ({@code filelock-test-support/src/main/resources/python/sqlite_rw_lock.py}, run by
 * Debian's {@code /usr/bin/python3}) and this JVM exclude each other exactly as two
 * processes of one language do.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class ReadWriteFileLockPythonInteropTests {

    @TempDir
    Path directory;

    private Path lockPath() {
        return directory.resolve("interop.db");
    }

    @Test
    void pythonWriterExcludesJavaReadersAndWriters() throws Exception {
        try (ChildProcess python = python("hold", "write"); ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath())) {
            assertThat(python.reply()).isEqualTo("held");
            assertThat(lock.tryAcquireRead()).isEmpty();
            assertThat(lock.tryAcquireWrite()).isEmpty();
            python.send("release");
            assertThat(python.reply()).isEqualTo("released");
            try (LockHold write = lock.acquireWrite(Duration.ofSeconds(30))) {
                assertThat(lock.heldMode()).contains(LockMode.WRITE);
            }
        }
    }

    @Test
    void pythonReaderSharesWithJavaReadersAndExcludesJavaWriters() throws Exception {
        try (ChildProcess python = python("hold", "read"); ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath())) {
            assertThat(python.reply()).isEqualTo("held");
            assertThat(lock.tryAcquireWrite()).isEmpty();
            try (LockHold read = lock.tryAcquireRead().orElseThrow()) {
                assertThat(lock.heldMode()).contains(LockMode.READ);
            }
            python.send("release");
            assertThat(python.reply()).isEqualTo("released");
        }
    }

    @Test
    void javaWriterExcludesPythonReadersAndWriters() throws Exception {
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath()); LockHold write = lock.acquireWrite()) {
            assertThat(pythonTry("read")).isEqualTo("busy");
            assertThat(pythonTry("write")).isEqualTo("busy");
        }
        assertThat(pythonTry("write")).isEqualTo("acquired");
    }

    @Test
    void javaReaderSharesWithPythonReadersAndExcludesPythonWriters() throws Exception {
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath()); LockHold read = lock.acquireRead()) {
            assertThat(pythonTry("read")).isEqualTo("acquired");
            assertThat(pythonTry("write")).isEqualTo("busy");
        }
    }

    @Test
    void waitingPythonWriterGetsTheLockWhenJavaReleases() throws Exception {
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath())) {
            LockHold write = lock.acquireWrite();
            try (ChildProcess python = python("hold", "write")) {
                write.close();
                assertThat(python.reply()).isEqualTo("held");
                assertThat(lock.tryAcquireRead()).isEmpty();
                python.send("release");
                assertThat(python.reply()).isEqualTo("released");
            }
        }
    }

    @Test
    void waitingJavaWriterGetsTheLockWhenPythonReleases() throws Exception {
        try (ChildProcess python = python("hold", "read"); ReadWriteFileLock lock = ReadWriteFileLock.of(lockPath())) {
            assertThat(python.reply()).isEqualTo("held");
            Worker<LockHold> writer = Worker.start("writer", () -> lock.acquireWrite(Duration.ofSeconds(60)))
                .awaitParked();
            python.send("release");
            writer.awaitResult().close();
        }
    }

    private String pythonTry(String mode) throws Exception {
        try (ChildProcess python = python("try", mode)) {
            String answer = python.reply();
            python.call(ChildMain.QUIT);
            assertThat(python.awaitExit()).isZero();
            return answer;
        }
    }

    private ChildProcess python(String command, String mode) {
        ChildProcess python = PythonFilelock.startStandardLibraryScript("sqlite_rw_lock.py", lockPath().toString());
        try {
            python.awaitReady().send(command + " " + mode);
            return python;
        }
        catch (RuntimeException e) {
            python.close();
            throw e;
        }
    }

}
