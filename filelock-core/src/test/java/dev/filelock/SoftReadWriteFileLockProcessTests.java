package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SoftReadWriteFileLock} between real processes: child JVMs holding, waiting and
 * being killed.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class SoftReadWriteFileLockProcessTests {

    @TempDir
    Path directory;

    private Path path;

    private SoftReadWriteFileLock lock;

    private final List<LockPeer> peers = new ArrayList<>();

    @BeforeEach
    void lock() {
        path = directory.resolve("shared.lock");
        lock = LockPeer.lockLikePeers(path, LockPeer.STALE);
    }

    @AfterEach
    void stopPeers() {
        lock.close();
        for (LockPeer peer : peers) {
            peer.close();
        }
    }

    @Test
    void readersOfTwoProcessesHoldTogether() throws Exception {
        LockPeer first = child();
        LockPeer second = child();

        assertThat(first.ask("read 10")).isEqualTo("acquired");
        assertThat(second.ask("read 10")).isEqualTo("acquired");
        assertThat(readerMarkers()).hasSize(2);
    }

    @Test
    void writerOfOneProcessExcludesReadersAndWritersOfAnother() throws Exception {
        LockPeer writer = child();
        LockPeer other = child();
        assertThat(writer.ask("write 10")).isEqualTo("acquired");

        assertThat(other.ask("read 0.3")).isEqualTo("timeout");
        assertThat(other.ask("write 0.3")).isEqualTo("timeout");
        assertThat(lock.tryAcquireRead()).isEmpty();

        assertThat(writer.ask("release")).isEqualTo("released");
        assertThat(other.ask("read 10")).isEqualTo("acquired");
    }

    @Test
    void writerWaitsForTheReaderOfAnotherProcess() throws Exception {
        LockPeer reader = child();
        assertThat(reader.ask("read 10")).isEqualTo("acquired");

        assertThat(lock.tryAcquireWrite()).isEmpty();
        assertThat(path.resolveSibling("shared.lock.write")).doesNotExist();
        assertThat(reader.ask("release")).isEqualTo("released");
        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(10))) {
            assertThat(path.resolveSibling("shared.lock.write")).exists();
        }
    }

    @Test
    void readerKilledWhileHoldingIsEvictedOnceStale() throws Exception {
        LockPeer reader = child();
        assertThat(reader.ask("read 10")).isEqualTo("acquired");

        reader.kill();

        assertThat(readerMarkers()).hasSize(1);
        lock = LockPeer.lockLikePeers(path, LockPeer.EVICTING_STALE);
        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(10))) {
            assertThat(readerMarkers()).isEmpty();
        }
    }

    @Test
    void writerKilledWhileHoldingIsEvictedOnceStale() throws Exception {
        LockPeer writer = child();
        assertThat(writer.ask("write 10")).isEqualTo("acquired");

        writer.kill();

        assertThat(path.resolveSibling("shared.lock.write")).exists();
        lock = LockPeer.lockLikePeers(path, LockPeer.EVICTING_STALE);
        try (LockHold hold = lock.acquireRead(Duration.ofSeconds(10))) {
            assertThat(path.resolveSibling("shared.lock.write")).doesNotExist();
        }
    }

    @Test
    void jvmExitingNormallyWhileHoldingDeletesItsMarker() throws Exception {
        LockPeer writer = child();
        assertThat(writer.ask("write 10")).isEqualTo("acquired");

        writer.send("exit-holding");
        writer.awaitExit();

        assertThat(path.resolveSibling("shared.lock.write")).doesNotExist();
        assertThat(lock.tryAcquireRead()).isPresent();
    }

    private LockPeer child() throws Exception {
        LockPeer peer = LockPeer.javaChild(path);
        peers.add(peer);
        return peer;
    }

    private List<Path> readerMarkers() throws Exception {
        try (var entries = Files.list(path.resolveSibling("shared.lock.readers"))) {
            return entries.toList();
        }
    }

}
