package dev.filelock.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.FileLock;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.internal.LongestDuration;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every duration option of every builder accepts {@code ChronoUnit.FOREVER} (saturated to
 * about 100 years) and the locks then work, instead of failing with
 * {@code ArithmeticException} at the first acquisition.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class LongestDurationTests {

    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    private static final Duration BRIEFLY = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void saturatesDurationsBeyondTheMaximumAndKeepsShorterOnes() {
        assertThat(LongestDuration.saturated(FOREVER)).isEqualTo(LongestDuration.MAX);
        assertThat(LongestDuration.saturated(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(LongestDuration.MAX);
        assertThat(LongestDuration.saturated(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
        assertThat(LongestDuration.MAX.toNanos() * 2).as("doubling a poll back-off cannot overflow").isPositive();
    }

    @Test
    void nativeLockWithEndlessPollIntervalAndTimeoutAcquiresAndTimesOutOnABusyLock() {
        Path lockPath = dir.resolve("native.lock");
        FileLock lock = FileLock.builder(lockPath).pollInterval(FOREVER).timeout(FOREVER).build();

        try (LockHold hold = lock.acquire()) {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        }
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {

            assertThatThrownBy(() -> lock.acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);
        }
    }

    @Test
    void softLockWithEndlessPollIntervalAndLifetimeAcquiresAndTimesOutOnABusyLock() throws IOException {
        Path lockPath = dir.resolve("soft.lock");
        SoftFileLock lock = SoftFileLock.builder(lockPath)
            .pollInterval(FOREVER)
            .lifetime(FOREVER)
            .timeout(FOREVER)
            .build();

        try (LockHold hold = lock.acquire()) {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        }
        Files.writeString(lockPath, "4242\nother-host.example.com\n");

        assertThatThrownBy(() -> lock.acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);
        assertThat(lockPath).hasContent("4242\nother-host.example.com\n");
    }

    @Test
    void sqliteReadWriteLockWithEndlessPollIntervalAndTimeoutAcquiresBothModes() {
        ReadWriteFileLock lock = ReadWriteFileLock.builder(dir.resolve("rw.db"))
            .pollInterval(FOREVER)
            .timeout(FOREVER)
            .build();

        try (LockHold write = lock.acquireWrite()) {
            assertThat(write.path()).isEqualTo(dir.resolve("rw.db"));
        }
        try (LockHold read = lock.acquireRead()) {
            assertThat(read.path()).isEqualTo(dir.resolve("rw.db"));
        }
    }

    @Test
    void softReadWriteLockWithEndlessIntervalsAndThresholdAcquiresBothModes() {
        Path lockPath = dir.resolve("soft-rw.lock");
        SoftReadWriteFileLock lock = SoftReadWriteFileLock.builder(lockPath)
            .pollInterval(FOREVER)
            .heartbeatInterval(FOREVER)
            .staleThreshold(FOREVER)
            .timeout(FOREVER)
            .build();

        try (LockHold write = lock.acquireWrite()) {
            assertThat(lockPath.resolveSibling("soft-rw.lock.write")).exists();
        }
        try (LockHold read = lock.acquireRead()) {
            assertThat(read.path()).isEqualTo(lockPath);
        }
    }

    @Test
    void softReadWriteLockWithAnEndlessHeartbeatAndTheDefaultThresholdBuilds() {
        SoftReadWriteFileLock lock = SoftReadWriteFileLock.builder(dir.resolve("beat.lock"))
            .heartbeatInterval(FOREVER)
            .build();

        try (LockHold write = lock.acquireWrite(Duration.ofSeconds(10))) {
            assertThat(write.path()).isEqualTo(dir.resolve("beat.lock"));
        }
    }

}
