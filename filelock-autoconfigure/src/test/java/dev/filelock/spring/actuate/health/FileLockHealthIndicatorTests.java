package dev.filelock.spring.actuate.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class FileLockHealthIndicatorTests {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path directory;

    @Test
    void isUpWithDetailsWhenAProbeLockCanBeTaken() {
        Health health = new FileLockHealthIndicator(this.directory, false, null).health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("directory", this.directory.toString())
            .containsEntry("backend", "native")
            .containsKeys("locksHeld", "longestHold");
    }

    @Test
    void createsAMissingDirectory() {
        Path missing = this.directory.resolve("not/yet");

        Health health = new FileLockHealthIndicator(missing, true, null).health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("backend", "soft");
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
    void isDownWhileALockIsHeldLongerThanTheMaximumHold() throws IOException {
        Path lockFile = this.directory.resolve("long.lock");
        Clock anHourLater = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);
        FileLockHealthIndicator indicator = new FileLockHealthIndicator(this.directory, false, Duration.ofMinutes(10),
                anHourLater);
        try (LockHold hold = FileLock.of(lockFile).acquire()) {
            Health health = indicator.health(true);

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("heldTooLong")).asInstanceOf(InstanceOfAssertFactories.LIST).contains(lockFile.toRealPath().toString());
            assertThat(health.getDetails()).containsEntry("maxHold", "PT10M").containsKey("longestHeldLock");
        }
        assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void isDownForANonRootUserInAReadOnlyDirectoryAndUpInItsOwn() throws Exception {
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        if (!root && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("needs root, to run the check as 'nobody' through setpriv (CI runs as root)");
        }
        assertThat(SETPRIV).as("setpriv (util-linux) runs the check as nobody").isExecutable();
        Files.setPosixFilePermissions(this.directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classPath = copyClassPathForEveryone(Files.createDirectory(this.directory.resolve("classpath")));
        Path readOnly = Files.createDirectory(this.directory.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path writable = Files.createDirectory(this.directory.resolve("writable"));
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(checkAsNobody(classPath, readOnly)).startsWith("DOWN ").contains("not writable");
        assertThat(checkAsNobody(classPath, writable)).isEqualTo("UP ");
        assertThat(readOnly).isEmptyDirectory();
    }

    private static String checkAsNobody(String classPath, Path lockDirectory) throws Exception {
        List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, HealthCheckChild.class.getName(), lockDirectory.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String answer = output.readLine();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            return answer;
        }
        finally {
            process.destroyForcibly();
        }
    }

    /** Copies the class path to where {@code nobody} can read it ({@code ~/.m2} is root's alone). */
    private static String copyClassPathForEveryone(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            String name = source.getFileName().toString();
            boolean needed = Files.isDirectory(source) || name.startsWith("filelock-") || name.startsWith("spring-") || name.startsWith("jna")
                    || name.startsWith("jspecify") || name.startsWith("micrometer-") || name.startsWith("sqlite-jdbc")
                    || name.startsWith("commons-logging");
            if (needed && Files.exists(source)) {
                Path copy = target.resolve(index++ + "-" + name);
                copyReadableByEveryone(source, copy);
                entries.add(copy.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void copyReadableByEveryone(Path source, Path copy) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path file : (Iterable<Path>) tree::iterator) {
                Path destination = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
