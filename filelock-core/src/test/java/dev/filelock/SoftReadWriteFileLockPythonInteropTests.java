package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SoftReadWriteFileLock} and a Python process speaking filelock's
 * {@code SoftReadWriteLock} protocol on the same files ({@code soft_rw_peer.py}, standard
 * library only, as Debian's python3-filelock 3.9.0 predates the class).
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class SoftReadWriteFileLockPythonInteropTests {

    @TempDir
    Path directory;

    private Path path;

    private SoftReadWriteFileLock lock;

    private LockPeer python;

    @BeforeEach
    void start() throws Exception {
        path = directory.resolve("shared.lock");
        lock = LockPeer.lockLikePeers(path, LockPeer.STALE);
        python = LockPeer.python(path);
    }

    @AfterEach
    void stop() {
        lock.close();
        python.close();
    }

    @Test
    void javaWriterExcludesPythonReadersAndWriters() throws Exception {
        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(5))) {
            assertThat(python.ask("read 0.3")).isEqualTo("timeout");
            assertThat(python.ask("write 0.3")).isEqualTo("timeout");
        }
        assertThat(python.ask("write 5")).isEqualTo("acquired");
    }

    @Test
    void pythonWriterExcludesJavaReadersAndWriters() throws Exception {
        assertThat(python.ask("write 5")).isEqualTo("acquired");

        assertThat(lock.tryAcquireRead()).isEmpty();
        assertThatThrownBy(() -> lock.acquireWrite(Duration.ofMillis(300)))
            .isInstanceOf(FileLockTimeoutException.class);

        assertThat(python.ask("release")).isEqualTo("released");
        try (LockHold hold = lock.acquireRead(Duration.ofSeconds(5))) {
            assertThat(lock.heldMode()).contains(LockMode.READ);
        }
    }

    @Test
    void readersOfBothLanguagesShareTheLockAndHoldBackEachOthersWriters() throws Exception {
        try (LockHold hold = lock.acquireRead(Duration.ofSeconds(5))) {
            assertThat(python.ask("read 5")).isEqualTo("acquired");
        }
        assertThatThrownBy(() -> lock.acquireWrite(Duration.ofMillis(300)))
            .isInstanceOf(FileLockTimeoutException.class);
        assertThat(path.resolveSibling("shared.lock.write")).doesNotExist();

        assertThat(python.ask("release")).isEqualTo("released");
        lock.acquireWrite(Duration.ofSeconds(5)).close();
    }

    @Test
    void javaMarkersPassPythonsStrictParser() throws Exception {
        try (LockHold hold = lock.acquireRead(Duration.ofSeconds(5))) {
            List<Path> readers;
            try (var entries = Files.list(path.resolveSibling("shared.lock.readers"))) {
                readers = entries.toList();
            }
            assertThat(readers).hasSize(1);
            assertThat(python.ask("check " + readers.get(0))).isEqualTo("valid");
        }
        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(5))) {
            assertThat(python.ask("check " + path.resolveSibling("shared.lock.write"))).isEqualTo("valid");
        }
    }

    @Test
    void pythonWriterKilledWhileHoldingIsEvictedByJava() throws Exception {
        assertThat(python.ask("write 5")).isEqualTo("acquired");

        python.kill();

        SoftReadWriteFileLock evicting = LockPeer.lockLikePeers(path, LockPeer.EVICTING_STALE);
        try (evicting; LockHold hold = evicting.acquireWrite(Duration.ofSeconds(10))) {
            assertThat(evicting.heldMode()).contains(LockMode.WRITE);
        }
    }

    @Test
    void javaWriterWaitingForAPythonReaderHoldsBackNewPythonReaders() throws Exception {
        assertThat(python.ask("read 5")).isEqualTo("acquired");
        var writer = lock.acquireWriteAsync(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(path.resolveSibling("shared.lock.write")));

        try (LockPeer secondPython = LockPeer.python(path)) {
            assertThat(secondPython.ask("read 0.3")).isEqualTo("timeout");
            assertThat(python.ask("release")).isEqualTo("released");
            writer.join().close();
            assertThat(secondPython.ask("read 5")).isEqualTo("acquired");
        }
    }

    @Test
    void javaAndPythonProcessesNeverWriteAtTheSameTime() throws Exception {
        Path counter = Files.writeString(directory.resolve("counter"), "0");
        try (LockPeer javaChild = LockPeer.javaChild(path); LockPeer secondPython = LockPeer.python(path)) {
            for (LockPeer peer : List.of(python, javaChild, secondPython)) {
                peer.send("increment " + counter + " 30");
            }
            for (int i = 0; i < 30; i++) {
                try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(30))) {
                    Files.writeString(counter, Integer.toString(Integer.parseInt(Files.readString(counter)) + 1));
                }
            }
            for (LockPeer peer : List.of(python, javaChild, secondPython)) {
                assertThat(peer.answer()).isEqualTo("done");
            }
        }
        assertThat(Files.readString(counter)).isEqualTo("120");
    }

}
