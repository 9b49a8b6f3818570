package dev.filelock.internal.diagnostics;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.FileLock;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.SoftFileLock;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A timeout's message says how long it waited, the mode, and which other process holds
 * the lock.
 */
class TimeoutMessageTests {

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = { "native", "soft" })
    void namesTheWaitTheModeAndTheOtherProcessHoldingTheLock(String type) {
        Path path = directory.resolve(type + ".lock");
        try (ChildProcess holder = LockChild.holding("holder", type, path)) {
            FileLock lock = type.equals("native") ? FileLock.of(path) : SoftFileLock.of(path);

            assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(50))).isInstanceOf(FileLockTimeoutException.class)
                .hasMessageContaining("The file lock '" + lock.path() + "' (WRITE) was not acquired in time: PT0.05S")
                .hasMessageContaining("; held by pid " + holder.pid() + " ");
            LockChild.release(holder);
        }
    }

}
