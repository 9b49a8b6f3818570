package dev.filelock.spring.actuate.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

// "try": these try-with-resources blocks hold a lock for their duration; the handle is deliberately unreferenced.
@SuppressWarnings("try")
class FileLockHealthIndicatorTests {

    @TempDir
    Path directory;

    @Test
    void isUpWithDetailsWhenAProbeLockCanBeTaken() {
        Health health = new FileLockHealthIndicator(this.directory, false, null).health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("directory", this.directory.toString())
            .containsEntry("backend", "file")
            .containsEntry("probeType", "native")
            .containsKeys("locksHeld", "longestHold");
    }

    @Test
    void createsAMissingDirectory() {
        Path missing = this.directory.resolve("not/yet");

        Health health = new FileLockHealthIndicator(missing, true, null).health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "file").containsEntry("probeType", "soft");
        assertThat(missing).isDirectory();
    }

    @Test
    void isDownWhenTheDirectoryIsAFile() throws IOException {
        Path file = Files.createFile(this.directory.resolve("file"));

        Health health = new FileLockHealthIndicator(file, false, null).health(true);

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reason")).asString().contains("not a directory");
    }

    @Test
    void maximumHoldIgnoresExcludedKeysOnly() throws IOException {
        Files.createDirectories(this.directory.resolve("leaders"));
        Path leader = this.directory.resolve("leaders/orders");
        Path job = this.directory.resolve("jobs.lock");
        Clock anHourLater = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        FileLockHealthIndicator indicator = new FileLockHealthIndicator(this.directory, false, Duration.ofMinutes(10),
                List.of("leaders/**", "other"), anHourLater);
        try (LockHold leaderHold = FileLock.of(leader).acquire()) {
            Health health = indicator.health(true);

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("locksHeld", 1).doesNotContainKey("heldTooLong");
            try (LockHold jobHold = FileLock.of(job).acquire()) {
                Health down = indicator.health(true);

                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("heldTooLong")).asInstanceOf(InstanceOfAssertFactories.LIST)
                    .containsExactly(job.toRealPath().toString());
            }
        }
    }

    @Test
    void isDownWhileALockIsHeldLongerThanTheMaximumHold() throws IOException {
        Path lockFile = this.directory.resolve("long.lock");
        Clock anHourLater = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        FileLockHealthIndicator indicator = new FileLockHealthIndicator(this.directory, false, Duration.ofMinutes(10),
                anHourLater);
        try (LockHold hold = FileLock.of(lockFile).acquire()) {
            Health health = indicator.health(true);

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("heldTooLong")).asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains(lockFile.toRealPath().toString());
            assertThat(health.getDetails()).containsEntry("maxHold", "PT10M").containsKey("longestHeldLock");
        }
        assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
    }

    /**
     * Issue 11, item 2: with every descriptor in use, each new lock failed while the
     * indicator said UP, because its probe lock reused the descriptor its idle entry
     * keeps.
     */
    @Test
    void isDownWithTheErrorWhileThisProcessCannotOpenMoreFiles() {
        try (ChildProcess child = ChildJvm.start("health check out of descriptors", List.of(), 512,
                OutOfDescriptorsHealthChild.class, this.directory.toString())) {
            assertThat(child.awaitLine("BEFORE ")).as(child.describe()).startsWith("BEFORE UP ");
            assertThat(child.awaitLine("EXHAUSTED ")).as(child.describe())
                .startsWith("EXHAUSTED DOWN This process cannot open more files (Too many open files)")
                .endsWith("| java.nio.file.FileSystemException: " + this.directory + ": Too many open files");
            assertThat(child.awaitLine("AFTER ")).as(child.describe()).startsWith("AFTER UP ");
            assertThat(child.awaitExit()).as(child.describe()).isZero();
        }
    }

    /**
     * The promise: closing any descriptor of a file drops this process's fcntl locks on
     * it, SQLite's included.
     */
    @Test
    void checkingHealthKeepsAReadWriteLockOfThisProcessHeld() throws Exception {
        Path lockFile = this.directory.resolve("held.lock");
        FileLockHealthIndicator indicator = new FileLockHealthIndicator(this.directory, false, null);
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(lockFile); LockHold write = lock.acquireWrite()) {
            for (int i = 0; i < 3; i++) {
                assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
            }
            try (ChildProcess python = PythonFilelock.startStandardLibraryScript("sqlite_rw_lock.py",
                    lockFile.toString())) {
                assertThat(python.awaitReady().call("try write")).as(python.describe()).isEqualTo("busy");
                python.call(ChildMain.QUIT);
                assertThat(python.awaitExit()).isZero();
            }
        }
    }

    @Test
    void isDownForANonRootUserInAReadOnlyDirectoryAndUpInItsOwn() throws Exception {
        Path readOnly = Files.createDirectory(this.directory.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path writable = Files.createDirectory(this.directory.resolve("writable"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(checkAsNobody(readOnly)).startsWith("DOWN ").contains("not writable");
        assertThat(checkAsNobody(writable)).isEqualTo("UP ");
        assertThat(readOnly).isEmptyDirectory();
    }

    private String checkAsNobody(Path lockDirectory) {
        try (ChildProcess child = ChildJvm.startAsNobody("health check as nobody", this.directory,
                HealthCheckChild.class, lockDirectory.toString())) {
            String answer = child.nextLine();
            assertThat(child.awaitExit()).as(child.describe()).isZero();
            return answer;
        }
    }

}
