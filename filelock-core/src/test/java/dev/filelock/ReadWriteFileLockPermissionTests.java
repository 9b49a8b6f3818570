package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only location fails at once with a {@link FileLockException}, checked as a real
 * unprivileged user: the tests run as root, so a child JVM is started as {@code nobody}
 * through {@code setpriv} (its class path copied to a place {@code nobody} can read).
 */
class ReadWriteFileLockPermissionTests {

    @TempDir
    Path directory;

    private Path readOnly;

    @BeforeEach
    void prepare() throws IOException {
        readOnly = Files.createDirectory(directory.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void missingParentInAReadOnlyDirectoryFailsAtOnce() throws Exception {
        Path path = readOnly.resolve("sub/lock.db");
        assertThat(tryAsNobody(path, "write")).startsWith("FileLockException: ")
            .contains(path.toString())
            .contains("permission denied");
        assertThat(readOnly.resolve("sub")).doesNotExist();
    }

    @Test
    void missingLockFileInAReadOnlyDirectoryFailsAtOnce() throws Exception {
        Path path = readOnly.resolve("lock.db");
        assertThat(tryAsNobody(path, "read")).startsWith("FileLockException: ")
            .contains(path.toString())
            .contains("cannot be opened or created");
        assertThat(path).doesNotExist();
    }

    @Test
    void readOnlyLockFileCanBeReadLockedButNotWriteLocked() throws Exception {
        Path path = Files.createFile(readOnly.resolve("existing.db"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(tryAsNobody(path, "write")).startsWith("FileLockException: ")
            .contains(path.toString())
            .contains("read-only");
        assertThat(tryAsNobody(path, "read")).isEqualTo("acquired");
        assertThat(path).isEmptyFile();
    }

    private String tryAsNobody(Path path, String mode) {
        try (ChildProcess child = ChildJvm.startAsNobody("read/write child as nobody", directory, ReadWriteChild.class,
                path.toString())) {
            String answer = child.awaitReady().call("try " + mode);
            assertThat(ReadWriteChild.quit(child)).isZero();
            return answer;
        }
    }

}
