package dev.filelock.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.FileLock;
import dev.filelock.FileLockException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.OpenFailureChild;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.internal.OpenLimits;
import dev.filelock.internal.sqlite.SqliteReadWriteBackend;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock file that cannot be opened for want of descriptors or for its name's length says
 * so: the SQLite read/write lock, the native one (whose gate file's name is 7 bytes
 * longer) and {@link FileLock}.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class ReadWriteOpenFailureTests {

    @TempDir
    Path directory;

    @Test
    void aFileNameLongerThanTheFileSystemTakesIsNamedAsTheCause() {
        Path path = directory.resolve("n".repeat(OpenLimits.NAME_MAX + 1) + ".db");
        int connections = SqliteReadWriteBackend.OPEN_CONNECTIONS.get();
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireWrite).isExactlyInstanceOf(FileLockException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("file name is too long")
                .hasMessageContaining("has " + (OpenLimits.NAME_MAX + 4))
                .hasMessageNotContaining("writable");
        }
        assertThat(SqliteReadWriteBackend.OPEN_CONNECTIONS).hasValue(connections);
    }

    @Test
    void aFileNameOfTheLongestAllowedLengthIsLocked() {
        Path path = directory.resolve("n".repeat(OpenLimits.NAME_MAX - 3) + ".db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path); LockHold hold = lock.acquireWrite()) {
            assertThat(lock.heldMode()).contains(LockMode.WRITE);
        }
    }

    @Test
    void aNativeLockWhoseGateNameIsTooLongSaysSoNamingTheGate() {
        Path path = directory.resolve("n".repeat(OpenLimits.NAME_MAX - 9) + ".lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireRead).isExactlyInstanceOf(FileLockException.class)
                .hasMessageStartingWith("Cannot lock '" + path + "': its writers' gate file '" + path + ".writer':")
                .hasMessageContaining("file name is too long")
                .hasMessageContaining("has " + (OpenLimits.NAME_MAX + 3) + " (ENAMETOOLONG)");
        }
    }

    @Test
    void aFileLockWhoseNameIsTooLongSaysSo() {
        Path path = directory.resolve("n".repeat(OpenLimits.NAME_MAX + 1) + ".lock");
        assertThatThrownBy(() -> FileLock.of(path).acquire().close()).isExactlyInstanceOf(FileLockException.class)
            .hasMessageContaining(path.toString())
            .hasMessageContaining("file name is too long")
            .hasMessageContaining("has " + (OpenLimits.NAME_MAX + 6) + " (ENAMETOOLONG)");
    }

    @Test
    void runningOutOfDescriptorsIsNamedAsTheCauseByTheNativeReadWriteLock() {
        try (ChildProcess child = ChildJvm.start("descriptor-starved", List.of(), 256, OpenFailureChild.class,
                directory.toString(), "native")) {
            String outcome = child.nextLine();
            assertThat(child.awaitExit()).as(child::describe).isZero();

            assertThat(outcome).startsWith("failed: ")
                .contains("starved.db")
                .contains("run out of file descriptors")
                .contains("limit 256");
        }
    }

    @Test
    void runningOutOfDescriptorsIsNamedAsTheCause() {
        try (ChildProcess child = ChildJvm.start("descriptor-starved", List.of(), 256, OpenFailureChild.class,
                directory.toString())) {
            String outcome = child.nextLine();
            assertThat(child.awaitExit()).as(child::describe).isZero();

            assertThat(outcome).startsWith("failed: ")
                .contains("starved.db")
                .contains("run out of file descriptors")
                .contains("limit 256")
                .doesNotContain("writable");
        }
    }

}
