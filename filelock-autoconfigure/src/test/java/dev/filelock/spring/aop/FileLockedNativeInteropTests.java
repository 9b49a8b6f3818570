package dev.filelock.spring.aop;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With the default {@code filelock.type=native}, {@code @FileLocked} READ and WRITE are
 * {@code flock} {@code LOCK_SH} and {@code LOCK_EX} on the lock file: Python's
 * {@code FileLock} and {@code flock -x} in another process exclude both modes,
 * {@code flock -s} shares with READ and excludes WRITE.
 */
class FileLockedNativeInteropTests {

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .withBean(Catalog.class);
    }

    @Test
    void pythonsFileLockExcludesReadAndWrite() throws IOException {
        PythonFilelock.requireFilelock();
        Path file = lockFile();
        contextRunner().run((context) -> {
            Catalog catalog = context.getBean(Catalog.class);
            try (ChildProcess python = PythonFilelock.start("hold_lock.py", "FileLock", file.toString())) {
                assertThat(python.awaitReady().call("acquire")).isEqualTo("held");
                assertExcluded(catalog, LockMode.READ);
                assertExcluded(catalog, LockMode.WRITE);
                assertThat(python.call("release")).isEqualTo("released");
            }
            assertRuns(catalog, LockMode.READ);
            assertRuns(catalog, LockMode.WRITE);
        });
    }

    @Test
    void anExclusiveFlockExcludesReadAndWrite() throws IOException {
        Path file = lockFile();
        contextRunner().run((context) -> {
            Catalog catalog = context.getBean(Catalog.class);
            try (ChildProcess flock = flock("-x", file)) {
                flock.awaitLine("HELD");
                assertExcluded(catalog, LockMode.READ);
                assertExcluded(catalog, LockMode.WRITE);
                flock.send("release");
                assertThat(flock.awaitExit()).isZero();
            }
            assertRuns(catalog, LockMode.READ);
            assertRuns(catalog, LockMode.WRITE);
        });
    }

    @Test
    void aSharedFlockSharesWithReadAndExcludesWrite() throws IOException {
        Path file = lockFile();
        contextRunner().run((context) -> {
            Catalog catalog = context.getBean(Catalog.class);
            try (ChildProcess flock = flock("-s", file)) {
                flock.awaitLine("HELD");
                assertRuns(catalog, LockMode.READ);
                assertExcluded(catalog, LockMode.WRITE);
                flock.send("release");
                assertThat(flock.awaitExit()).isZero();
            }
            assertRuns(catalog, LockMode.WRITE);
        });
    }

    private Path lockFile() throws IOException {
        Path file = this.directory.resolve("catalog.lock");
        Files.createFile(file);
        return file;
    }

    private static ChildProcess flock(String mode, Path file) {
        return ChildProcess.start("flock " + mode,
                new ProcessBuilder("flock", mode, file.toString(), "sh", "-c", "echo HELD; read line"));
    }

    private static void assertExcluded(Catalog catalog, LockMode mode) {
        AtomicBoolean ran = new AtomicBoolean();
        assertThatExceptionOfType(FileLockTimeoutException.class).as(mode.name())
            .isThrownBy(() -> once(catalog, mode, () -> ran.set(true)))
            .withMessageContaining("(" + mode + ") was not acquired in time: PT0S");
        assertThat(ran).as(mode.name()).isFalse();
    }

    private static void assertRuns(Catalog catalog, LockMode mode) {
        AtomicBoolean ran = new AtomicBoolean();
        once(catalog, mode, () -> ran.set(true));
        assertThat(ran).as(mode.name()).isTrue();
    }

    /**
     * Calls the proxy's method of the mode (a call inside the bean would bypass the
     * advisor).
     */
    private static void once(Catalog catalog, LockMode mode, Runnable body) {
        if (mode == LockMode.READ) {
            catalog.readOnce(body);
        }
        else {
            catalog.writeOnce(body);
        }
    }

    static class Catalog {

        @FileLocked(path = "catalog.lock", timeout = "0", mode = LockMode.READ)
        public void readOnce(Runnable body) {
            body.run();
        }

        @FileLocked(path = "catalog.lock", timeout = "0")
        public void writeOnce(Runnable body) {
            body.run();
        }

    }

}
