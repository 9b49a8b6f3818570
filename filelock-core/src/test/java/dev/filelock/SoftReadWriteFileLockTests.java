package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.internal.readwrite.ReadWritePaths;
import dev.filelock.internal.soft.SoftReadWriteMarkersTests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftReadWriteFileLock}: the read/write contract every lock shares, plus what is
 * specific to marker files (Python's {@code tests/soft_rw}); the protocol details are
 * covered by {@link SoftReadWriteMarkersTests}.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class SoftReadWriteFileLockTests extends AbstractReadWriteFileLockContractTests {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    /**
     * Long enough that a heartbeat delayed by a loaded machine never looks stale; stale
     * markers here are aged by hand.
     */
    private static final Duration STALE = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(20);

    private static final String FOREIGN_RECORD = "0123456789abcdef0123456789abcdef\n4242\nother-host.example.com\n";

    private final List<ReadWriteFileLock> ownLocks = new ArrayList<>();

    @Override
    protected ReadWriteFileLock createLock(Path path, Duration timeout, boolean blocking, Ownership ownership) {
        return SoftReadWriteFileLock.builder(path)
            .timeout(timeout)
            .blocking(blocking)
            .ownership(ownership)
            .heartbeatInterval(HEARTBEAT)
            .staleThreshold(STALE)
            .pollInterval(POLL)
            .build();
    }

    @Test
    void rejectsANonPositiveHeartbeatInterval() {
        assertThatThrownBy(() -> SoftReadWriteFileLock.builder(lockPath()).heartbeatInterval(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("heartbeatInterval must be positive, got PT0S");
    }

    @Test
    void rejectsAStaleThresholdNotBeyondTheHeartbeat() {
        SoftReadWriteFileLock.Builder builder = SoftReadWriteFileLock.builder(lockPath())
            .heartbeatInterval(Duration.ofSeconds(10))
            .staleThreshold(Duration.ofSeconds(5));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("staleThreshold must exceed heartbeatInterval (PT5S <= PT10S)");
    }

    @Test
    void rejectsANonPositivePollInterval() {
        assertThatThrownBy(() -> SoftReadWriteFileLock.builder(lockPath()).pollInterval(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("pollInterval must be positive, got PT0S");
    }

    @Test
    void buildingTouchesNoFileAndHoldsLeaveOnlyTheReadersDirectory() throws IOException {
        SoftReadWriteFileLock lock = soft();
        assertThat(directory).isEmptyDirectory();

        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(5))) {
            assertThat(sibling(".write")).isRegularFile();
        }
        try (LockHold hold = lock.acquireRead(Duration.ofSeconds(5))) {
            assertThat(readerMarkers()).hasSize(1);
        }

        assertThat(directory.toFile().list()).containsExactly(lockPath().getFileName() + ".readers");
        assertThat(readerMarkers()).isEmpty();
    }

    @Test
    void readersOfOneJvmShareOneMarker() throws Exception {
        SoftReadWriteFileLock first = soft();
        SoftReadWriteFileLock second = soft();
        try (LockHold hold = first.acquireRead(Duration.ofSeconds(5))) {
            CompletableFuture.runAsync(() -> second.acquireRead(Duration.ofSeconds(5)).close()).join();
            try (LockHold again = second.acquireRead(Duration.ofSeconds(5))) {
                assertThat(readerMarkers()).hasSize(1);
            }
        }
    }

    @Test
    void heartbeatThreadRunsExactlyWhileHeld() {
        SoftReadWriteFileLock lock = soft();
        try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(5))) {
            assertThat(SoftReadWriteMarkersTests.heartbeatThreads())
                .containsExactly("filelock-heartbeat-" + ReadWritePaths.canonical(lockPath()) + ".write");
        }
        assertThat(SoftReadWriteMarkersTests.heartbeatThreads()).isEmpty();

        lock.acquireRead(Duration.ofSeconds(5));
        lock.close();
        assertThat(SoftReadWriteMarkersTests.heartbeatThreads()).isEmpty();
        assertThat(readerMarkers()).isEmpty();
    }

    @Test
    void closedLockRefusesNewAcquisitions() {
        SoftReadWriteFileLock lock = soft();
        lock.close();

        assertThatThrownBy(() -> lock.acquireRead(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(lockPath().toString())
            .hasMessageContaining("closed");
        assertThatThrownBy(lock::acquireWrite).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writerTimingOutBehindAReaderOfAnotherProcessRemovesItsClaim() throws IOException {
        Files.createDirectories(sibling(".readers"));
        Path foreignReader = sibling(".readers").resolve("0123456789abcdef0123456789abcdef.4242");
        Files.writeString(foreignReader, FOREIGN_RECORD);
        SoftReadWriteFileLock lock = soft(Duration.ofSeconds(10), Duration.ofSeconds(60));

        assertThatThrownBy(() -> lock.acquireWrite(Duration.ofMillis(300)))
            .isInstanceOf(FileLockTimeoutException.class);

        assertThat(sibling(".write")).doesNotExist();
        assertThat(foreignReader).exists();
        assertThat(SoftReadWriteMarkersTests.heartbeatThreads()).isEmpty();
    }

    @Test
    void staleMarkersOfCrashedHoldersAreEvicted() throws IOException {
        Files.writeString(sibling(".write"), FOREIGN_RECORD);
        Files.setLastModifiedTime(sibling(".write"), FileTime.from(Instant.now().minusSeconds(1000)));

        assertThat(soft().tryAcquireWrite()).isPresent();
    }

    @Test
    void stateFileLeftByAHolderThatDiedInsideItIsRecovered() throws IOException {
        Files.writeString(sibling(".state"), "4242\nother-host.example.com\n");
        Files.setLastModifiedTime(sibling(".state"), FileTime.from(Instant.now().minusSeconds(1000)));

        try (LockHold hold = soft().acquireWrite(Duration.ofSeconds(5))) {
            assertThat(sibling(".state")).doesNotExist();
        }
    }

    @Test
    void symlinkedWriteMarkerFailsAtOnceAndLeavesItsTargetAlone() throws IOException {
        Path victim = Files.writeString(directory.resolve("victim"), "precious");
        Files.createSymbolicLink(sibling(".write"), victim);

        assertThatThrownBy(() -> soft().acquireWrite()).isInstanceOf(FileLockException.class)
            .hasMessageContaining("symbolic link");
        assertThat(victim).hasContent("precious");
    }

    @Test
    void cancellingAnAsyncWaitLeavesNothingBehind() throws Exception {
        Files.writeString(sibling(".write"), FOREIGN_RECORD);
        SoftReadWriteFileLock lock = soft(Duration.ofSeconds(10), Duration.ofSeconds(60));

        CompletableFuture<LockHold> waiting = lock.acquireReadAsync(Duration.ofSeconds(-1));
        assertThat(waiting.cancel(true)).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !waiterThreadAlive());
        assertThat(lock.holdCount()).isZero();
        assertThat(readerMarkers()).isEmpty();
        assertThat(Files.readString(sibling(".write"), StandardCharsets.US_ASCII)).isEqualTo(FOREIGN_RECORD);
        Files.delete(sibling(".write"));
        assertThat(lock.tryAcquireWrite()).isPresent();
    }

    @Test
    void cancellingAnAsyncWriterThatHasClaimedTheLockGivesTheClaimBack() throws Exception {
        Files.createDirectories(sibling(".readers"));
        Path foreignReader = sibling(".readers").resolve("0123456789abcdef0123456789abcdef.4242");
        Files.writeString(foreignReader, FOREIGN_RECORD);
        SoftReadWriteFileLock lock = soft(Duration.ofSeconds(10), Duration.ofSeconds(60));

        CompletableFuture<LockHold> waiting = lock.acquireWriteAsync(Duration.ofSeconds(-1));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(sibling(".write")));
        assertThat(waiting.cancel(true)).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(sibling(".write")));
        await().atMost(Duration.ofSeconds(5)).until(() -> SoftReadWriteMarkersTests.heartbeatThreads().isEmpty());
        assertThat(foreignReader).exists();
        assertThat(lock.tryAcquireRead()).isPresent();
    }

    @Test
    void asyncWriteHoldIsReleasedByTheThreadThatCompletesTheWork() throws Exception {
        SoftReadWriteFileLock lock = soft();
        try (LockHold reader = soft().acquireRead(Duration.ofSeconds(5))) {
            CompletableFuture<LockHold> writing = lock.acquireWriteAsync(Duration.ofSeconds(10));
            reader.close();
            LockHold hold = writing.get(10, TimeUnit.SECONDS);
            assertThat(sibling(".write")).exists();

            CountDownLatch released = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                hold.close();
                released.countDown();
            });
            worker.start();
            assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(sibling(".write")).doesNotExist();
        assertThat(soft().tryAcquireRead()).isPresent();
    }

    private SoftReadWriteFileLock soft() {
        return (SoftReadWriteFileLock) newLock();
    }

    private SoftReadWriteFileLock soft(Duration heartbeat, Duration stale) {
        SoftReadWriteFileLock lock = SoftReadWriteFileLock.builder(lockPath())
            .heartbeatInterval(heartbeat)
            .staleThreshold(stale)
            .pollInterval(POLL)
            .build();
        ownLocks.add(lock);
        return lock;
    }

    @AfterEach
    void closeOwnLocks() {
        ownLocks.forEach(ReadWriteFileLock::close);
    }

    private Path sibling(String suffix) {
        return lockPath().resolveSibling(lockPath().getFileName() + suffix);
    }

    private List<Path> readerMarkers() {
        try (var entries = Files.list(sibling(".readers"))) {
            return entries.toList();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean waiterThreadAlive() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .anyMatch(thread -> thread.isAlive() && thread.getName().startsWith("filelock-read-waiter"));
    }

}
