package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.flock.FlockExclusiveBackend;
import dev.filelock.internal.posix.ThisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system without flock (ENOSYS, EOPNOTSUPP) makes a native lock fall back to the
 * soft lock. No local file system on a test machine lacks flock, so the flock call is
 * swapped for one that fails as such file systems do.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class FlockFallbackTests {

    private static final Logger LOGGER = Logger.getLogger("dev.filelock");

    @TempDir
    Path directory;

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();

    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private FlockExclusiveBackend.FlockCall original;

    @BeforeEach
    void simulateFileSystemWithoutFlock() {
        original = FlockExclusiveBackend.flockCall;
        LOGGER.addHandler(handler);
    }

    @AfterEach
    void restoreFlock() {
        FlockExclusiveBackend.flockCall = original;
        LOGGER.removeHandler(handler);
    }

    @Test
    void nativeLockFallsBackToAMarkerFileWhenFlockIsNotImplemented() throws Exception {
        failFlockWith(38 /* ENOSYS */);
        Path path = directory.resolve("enosys.lock");
        FileLock lock = FileLock.of(path);

        try (LockHold hold = lock.acquire()) {
            assertThat(Files.readString(path))
                .isEqualTo(ProcessHandle.current().pid() + "\n" + ThisProcess.HOSTNAME + "\n");
            assertThat(FileLock.of(path).tryAcquire()).isEmpty();
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void fallbackIsAnnouncedByOneWarningPerDirectory() {
        failFlockWith(95 /* EOPNOTSUPP */);
        Path other = directory.resolve("sub");

        for (String name : new String[] { "a.lock", "b.lock", "a.lock" }) {
            FileLock.of(directory.resolve(name)).acquire().close();
        }
        FileLock.of(other.resolve("c.lock")).acquire().close();

        assertThat(warnings).extracting(LogRecord::getMessage)
            .hasSize(2)
            .allMatch(message -> message.contains("falling back"));
    }

    @Test
    void fallenBackLockIsReentrantAndExcludesOtherLockObjects() {
        failFlockWith(38);
        Path path = directory.resolve("reentrant.lock");
        FileLock lock = FileLock.of(path);

        try (LockHold outer = lock.acquire(); LockHold inner = lock.acquire()) {
            assertThat(lock.holdCount()).isEqualTo(2);
            assertThat(FileLock.of(path).tryAcquire()).isEmpty();
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(FileLock.of(path).tryAcquire()).hasValueSatisfying(LockHold::close);
    }

    private static void failFlockWith(int errno) {
        FlockExclusiveBackend.flockCall = (fd, operation) -> {
            throw new LastErrorException(errno);
        };
    }

}
