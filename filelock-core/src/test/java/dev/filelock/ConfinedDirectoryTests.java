package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.sqlite.SqliteConfinement;
import dev.filelock.internal.sqlite.SqliteNativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks inside a {@link ConfinedDirectory} reach their files by the walk, never through a
 * link leading out.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class ConfinedDirectoryTests {

    @TempDir
    Path temp;

    private Path root;

    private Path outside;

    @BeforeEach
    void declare() throws IOException {
        root = ConfinedDirectory.declare(temp.resolve("locks")).path();
        outside = Files.createDirectories(temp.resolve("outside"));
    }

    @Test
    void isCreatedOnceAndFoundUnderEverySpelling() throws IOException {
        Path alias = Files.createSymbolicLink(temp.resolve("alias"), root);
        assertThat(root).isDirectory().isEqualTo(temp.resolve("locks").toRealPath());
        assertThat(ConfinedDirectory.declare(temp.resolve("locks/../locks")))
            .isSameAs(ConfinedDirectory.declare(alias));
        assertThat(ConfinedRoot.containing(root.resolve("a/b.lock"))).isNotNull();
        assertThat(ConfinedRoot.containing(outside.resolve("b.lock"))).isNull();
    }

    @Test
    void refusesAFileInsteadOfADirectory() throws IOException {
        Path file = Files.createFile(temp.resolve("file"));
        assertThatIllegalArgumentException().isThrownBy(() -> ConfinedDirectory.declare(file))
            .withMessageContaining("'" + file + "'");
    }

    @Test
    void followsLinksThatStayInsideRelativeAbsoluteAndThroughDotDot() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.createDirectories(root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/up"), Path.of("../real"));
        Files.createSymbolicLink(root.resolve("absolute"), root.resolve("sub"));

        try (LockHold hold = FileLock.of(root.resolve("absolute/up/x.lock")).acquire(Duration.ofSeconds(5))) {
            assertThat(root.resolve("real/x.lock")).isRegularFile();
        }
        try (LockHold hold = SoftFileLock.of(root.resolve("sub/up/soft.lock")).acquire(Duration.ofSeconds(5))) {
            assertThat(root.resolve("real/soft.lock")).isRegularFile();
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void refusesALinkLeadingOutOfEveryLockKindAndCreatesNothingThere() throws IOException {
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createDirectories(root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/up"), Path.of("../../outside"));
        for (Path lockPath : new Path[] { root.resolve("out/x.lock"), root.resolve("sub/up/y.lock") }) {
            Path link = lockPath.getParent();
            assertRefused(() -> FileLock.of(lockPath).acquire(Duration.ofSeconds(5)).close(), lockPath, link);
            assertRefused(() -> SoftFileLock.of(lockPath).acquire(Duration.ofSeconds(5)).close(), lockPath, link);
            assertRefused(() -> ReadWriteFileLock.of(lockPath).acquireWrite(Duration.ofSeconds(5)).close(), lockPath,
                    link);
            assertRefused(() -> SoftReadWriteFileLock.of(lockPath).acquireRead(Duration.ofSeconds(5)).close(), lockPath,
                    link);
            assertRefused(() -> NativeReadWriteFileLock.of(lockPath).acquireRead(Duration.ofSeconds(5)).close(),
                    lockPath, link);
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void refusesALinkLoop() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
        assertThatThrownBy(() -> FileLock.of(root.resolve("a/x.lock")).acquire(Duration.ofSeconds(5)).close())
            .isInstanceOf(FileLockException.class)
            .hasMessageContaining("too many symbolic links");
    }

    @Test
    void stillRefusesALinkAtTheLockFileItselfEvenInside() throws IOException {
        Files.createFile(root.resolve("real.lock"));
        Path alias = Files.createSymbolicLink(root.resolve("alias.lock"), Path.of("real.lock"));
        assertThatThrownBy(() -> FileLock.of(alias).acquire(Duration.ofSeconds(5)).close())
            .isInstanceOf(FileLockException.class)
            .hasMessageContaining("symbolic link");
    }

    @Test
    void seesWhichFileSqliteOpenedThroughItsOwnDescriptorWithoutOpeningTheFile() throws Exception {
        ConfinedRoot directory = ConfinedRoot.declare(root);
        Path opened = root.resolve("opened.lock");
        Path other = root.resolve("other.lock");
        Posix.FileIdentity openedIdentity = SqliteConfinement.prepare(directory, opened, opened);
        Posix.FileIdentity otherIdentity = SqliteConfinement.prepare(directory, other, other);
        SqliteNativeLibrary.ensureLoaded();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + opened)) {
            SqliteConfinement.requireOpened(directory, opened, opened, openedIdentity);
            assertThatThrownBy(() -> SqliteConfinement.requireOpened(directory, opened, opened, otherIdentity))
                .isInstanceOf(FileLockException.class)
                .hasMessageContaining("is not the one found inside the lock directory");
            assertThat(connection.isClosed()).isFalse();
        }
    }

    private static void assertRefused(Runnable lock, Path lockPath, Path link) {
        assertThatThrownBy(lock::run).isInstanceOf(FileLockException.class)
            .hasMessageContaining("'" + lockPath + "'")
            .hasMessageContaining("'" + link + "'")
            .hasMessageContaining("points outside the lock directory");
    }

}
