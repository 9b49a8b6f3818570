package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner-only markers keep other users out (Python's trust model), and such a user
 * fails at once instead of waiting: checked as a real unprivileged user, a child JVM
 * started as {@code nobody} through {@code setpriv}.
 */
class SoftReadWriteFileLockPermissionTests {

    @TempDir
    Path directory;

    @Test
    void anotherUserCannotUseTheLockAndFailsAtOnceLeavingNothingBehind() throws Exception {
        Path shared = Files.createDirectory(directory.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path path = shared.resolve("data.lock");
        try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path)) {
            lock.acquireRead().close();
        }

        try (LockPeer nobody = LockPeer.javaChildAsNobody(directory, path)) {
            assertThat(nobody.ask("write 30")).startsWith("error: Cannot lock '" + path + "'")
                .contains("permission denied");
            assertThat(nobody.ask("read 30")).startsWith("error: ").contains("permission denied");
        }

        assertThat(shared.toFile().list()).containsExactly("data.lock.readers");
        assertThat(path.resolveSibling("data.lock.readers")).isEmptyDirectory();
    }

}
