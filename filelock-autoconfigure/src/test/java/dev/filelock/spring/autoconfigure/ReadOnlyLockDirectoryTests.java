package dev.filelock.spring.autoconfigure;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lock directory that exists but cannot be written is reported at startup; one that
 * cannot be created fails it. Permissions are checked as a non-root user: this JVM when
 * it is not root, else a child JVM run as {@code nobody}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadOnlyLockDirectoryTests {

    static final String WARNING = "is not writable by this process (read-only file system or missing permission): "
            + "locks cannot be created there";

    @TempDir
    Path directory;

    @Test
    void aReadOnlyDirectoryIsReportedAtStartup(CapturedOutput output) throws Exception {
        Path readOnly = Files.createDirectory(this.directory.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        String warning;
        if (ChildJvm.runningAsRoot()) {
            try (ChildProcess child = ChildJvm.startAsNobody("startup as nobody", this.directory, StartupChild.class,
                    readOnly.toString())) {
                assertThat(child.awaitLine("STARTED")).as(child.describe()).isEqualTo("STARTED true");
                warning = child.awaitLine("WARNED");
                assertThat(child.awaitExit()).as(child.describe()).isZero();
            }
        }
        else {
            assertThat(StartupChild.start(readOnly)).isTrue();
            warning = output.getOut();
        }
        assertThat(warning).contains("WARN")
            .contains("The lock directory '" + readOnly.toRealPath() + "' (filelock.directory) " + WARNING);
    }

    @Test
    void aWritableDirectoryStartsWithoutTheWarning(CapturedOutput output) {
        assertThat(StartupChild.start(this.directory)).isTrue();
        assertThat(output.getOut()).doesNotContain(WARNING);
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsStartup() throws Exception {
        Path file = Files.createFile(this.directory.resolve("a-file"));
        assertThat(StartupChild.start(file.resolve("locks"))).isFalse();
    }

    /**
     * Starts the auto-configuration on a directory; run as a child it prints whether it
     * started and the warning.
     */
    public static final class StartupChild {

        private StartupChild() {
        }

        /**
         * Starts once and reports on stdout: {@code STARTED true|false}, then
         * {@code WARNED <log line>} ({@code WARNED
         * none} without it).
         * @param args the lock directory
         */
        public static void main(String[] args) {
            PrintStream stdout = System.out;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            System.setOut(new PrintStream(log, true, StandardCharsets.UTF_8)); // before
                                                                               // logging
                                                                               // starts,
                                                                               // so it
                                                                               // lands
                                                                               // here
            boolean started = start(Path.of(args[0]));
            System.setOut(stdout);
            stdout.println("STARTED " + started);
            stdout.println("WARNED " + log.toString(StandardCharsets.UTF_8)
                .lines()
                .filter((line) -> line.contains(WARNING))
                .findFirst()
                .orElse("none"));
            stdout.flush();
        }

        static boolean start(Path lockDirectory) {
            boolean[] started = new boolean[1];
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
                .withPropertyValues("filelock.directory=" + lockDirectory)
                .run((context) -> started[0] = context.getStartupFailure() == null);
            return started[0];
        }

    }

}
