package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only location fails at once with a {@link FileLockException}, checked as a real unprivileged user: the tests
 * run as root, so a child JVM is started as {@code nobody} through {@code setpriv} (its class path copied to a place
 * {@code nobody} can read).
 */
class ReadWriteFileLockPermissionTests {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path directory;

    private String classPath;
    private Path readOnly;

    @BeforeEach
    void prepare() throws IOException {
        assertThat(SETPRIV).as("setpriv (util-linux) runs the child as nobody").isExecutable();
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        classPath = copyClassPathForEveryone(Files.createDirectory(directory.resolve("classpath")));
        readOnly = Files.createDirectory(directory.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void missingParentInAReadOnlyDirectoryFailsAtOnce() throws Exception {
        Path path = readOnly.resolve("sub/lock.db");
        assertThat(tryAsNobody(path, "write"))
                .startsWith("FileLockException: ")
                .contains(path.toString())
                .contains("permission denied");
        assertThat(readOnly.resolve("sub")).doesNotExist();
    }

    @Test
    void missingLockFileInAReadOnlyDirectoryFailsAtOnce() throws Exception {
        Path path = readOnly.resolve("lock.db");
        assertThat(tryAsNobody(path, "read"))
                .startsWith("FileLockException: ")
                .contains(path.toString())
                .contains("cannot be opened or created");
        assertThat(path).doesNotExist();
    }

    @Test
    void readOnlyLockFileCanBeReadLockedButNotWriteLocked() throws Exception {
        Path path = Files.createFile(readOnly.resolve("existing.db"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(tryAsNobody(path, "write"))
                .startsWith("FileLockException: ")
                .contains(path.toString())
                .contains("read-only");
        assertThat(tryAsNobody(path, "read")).isEqualTo("acquired");
        assertThat(path).isEmptyFile();
    }

    private String tryAsNobody(Path path, String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        command.addAll(ReadWriteChildProcess.javaCommand(classPath, "try", path.toString(), mode));
        try (ReadWriteChildProcess child = ReadWriteChildProcess.command(command)) {
            String answer = child.readLine();
            assertThat(child.exitCode()).isZero();
            return answer;
        }
    }

    /** Copies the class path entries the child needs (test and main classes, sqlite-jdbc, JSpecify). */
    private static String copyClassPathForEveryone(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            String name = source.getFileName().toString();
            boolean needed = Files.isDirectory(source) || name.startsWith("sqlite-jdbc") || name.startsWith("jspecify");
            if (needed && Files.exists(source)) {
                Path copy = target.resolve(index++ + "-" + name);
                copyReadableByEveryone(source, copy);
                entries.add(copy.toString());
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyReadableByEveryone(Path source, Path copy) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path file : (Iterable<Path>) tree::iterator) {
                Path destination = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
