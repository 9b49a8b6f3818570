package dev.filelock.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LockDirectory}: keys never escape the directory.
 */
class LockDirectoryTests {

    @TempDir
    Path temp;

    @Test
    void resolvesAKeyUnderTheRealPathOfTheDirectory() throws IOException {
        LockDirectory directory = new LockDirectory(this.temp.resolve("locks"));
        Path root = this.temp.resolve("locks").toRealPath();
        assertThat(directory.resolve("orders/42.lock")).isEqualTo(root.resolve("orders").resolve("42.lock"));
        assertThat(directory.resolve(Path.of("a.lock"))).isEqualTo(root.resolve("a.lock"));
    }

    @Test
    void createsTheDirectoryButNotTheLockFiles() {
        LockDirectory directory = new LockDirectory(this.temp.resolve("new/locks"));
        Path path = directory.resolve("sub/a.lock");
        assertThat(this.temp.resolve("new/locks")).isDirectory();
        assertThat(path).doesNotExist();
        assertThat(path.getParent()).doesNotExist();
    }

    @Test
    void givesEquivalentSpellingsOfAKeyOneCanonicalPath() {
        LockDirectory directory = new LockDirectory(this.temp);
        Path expected = directory.resolve("a/b.lock");
        assertThat(directory.resolve("./a/./b.lock")).isEqualTo(expected);
        assertThat(directory.resolve("a//b.lock")).isEqualTo(expected);
        assertThat(directory.resolve(this.temp.resolve("a/b.lock").toString())).isEqualTo(expected);
    }

    @Test
    void refusesAKeyOfAnotherTypeSayingWhatToPass() {
        LockDirectory directory = new LockDirectory(this.temp);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve(42))
            .withMessage("Lock key must be a String or a Path, got java.lang.Integer '42': pass a String such as "
                    + "\"orders/42.lock\", or a Path inside the lock directory");
    }

    @Test
    void refusesDotDotSegmentsEvenWhenTheyStayInside() {
        LockDirectory directory = new LockDirectory(this.temp);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("../etc/passwd"))
            .withMessageContaining("'../etc/passwd'")
            .withMessageContaining("'..'");
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("a/../b.lock"))
            .withMessageContaining("'a/../b.lock'");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> directory.resolve(this.temp.resolve("a/../../x").toString()))
            .withMessageContaining("'..'");
    }

    @Test
    void refusesAbsolutePathsOutsideTheDirectory() {
        LockDirectory directory = new LockDirectory(this.temp.resolve("locks"));
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("/etc/passwd"))
            .withMessageContaining("'/etc/passwd'")
            .withMessageContaining("absolute path outside");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> directory.resolve(this.temp.resolve("locks-sibling/x").toString()))
            .withMessageContaining("absolute path outside");
    }

    @Test
    void refusesSymbolicLinksThatLeadOut() throws IOException {
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        Path root = Files.createDirectories(this.temp.resolve("locks"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("file.lock"), outside.resolve("target.lock"));
        LockDirectory directory = new LockDirectory(root);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("escape/x.lock"))
            .withMessageContaining("'escape/x.lock'")
            .withMessageContaining("points outside the lock directory");
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("file.lock"))
            .withMessageContaining("'file.lock'")
            .withMessageContaining("symbolic link");
    }

    @Test
    void refusesASymbolicLinkAtTheLockFileEvenInsideTheDirectory() throws IOException {
        Path root = Files.createDirectories(this.temp.resolve("locks"));
        Files.createFile(root.resolve("real.lock"));
        Files.createSymbolicLink(root.resolve("alias.lock"), root.resolve("real.lock"));
        LockDirectory directory = new LockDirectory(root);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("alias.lock"))
            .withMessageContaining("'alias.lock' is a symbolic link");
    }

    @Test
    void refusesAKeyNamingADirectory() throws IOException {
        Files.createDirectories(this.temp.resolve("sub"));
        LockDirectory directory = new LockDirectory(this.temp);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("sub"))
            .withMessageContaining("names a directory");
    }

    @Test
    void followsSymbolicLinksThatStayInside() throws IOException {
        Path root = Files.createDirectories(this.temp.resolve("locks"));
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        LockDirectory directory = new LockDirectory(root);
        assertThat(directory.resolve("alias/x.lock")).isEqualTo(directory.resolve("real/x.lock"));
    }

    @Test
    void refusesEmptyKeysTheDirectoryItselfAndOtherKeyTypes() {
        LockDirectory directory = new LockDirectory(this.temp);
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("")).withMessageContaining("empty");
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("."))
            .withMessageContaining("directory itself");
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve(42))
            .withMessageContaining("String or a Path")
            .withMessageContaining("java.lang.Integer");
        assertThatIllegalArgumentException().isThrownBy(() -> directory.resolve("a\0b"))
            .withMessageContaining("not a valid path");
    }

    @Test
    void refusesADirectoryThatIsAFile() throws IOException {
        Path file = Files.createFile(this.temp.resolve("plain"));
        assertThatIllegalArgumentException().isThrownBy(() -> new LockDirectory(file))
            .withMessageContaining(file.toString());
    }

    @Test
    void showsKeysRelativeToTheDirectory() {
        LockDirectory directory = new LockDirectory(this.temp);
        assertThat(directory.displayKey(directory.resolve("./orders//42.lock"))).isEqualTo("orders/42.lock");
    }

}
