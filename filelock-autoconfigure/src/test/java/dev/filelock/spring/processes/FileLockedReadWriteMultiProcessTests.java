package dev.filelock.spring.processes;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Spring applications in separate JVMs with
 * {@code @FileLocked(path = "catalog.lock")} (WRITE) and {@code @FileLocked(path =
 * "catalog.lock", mode = READ)} and nothing else: a writer never shares the path with
 * anyone, and readers of both processes are inside together, for every
 * {@code filelock.type} with a shared mode.
 */
class FileLockedReadWriteMultiProcessTests {

    private static final int ROUNDS = 40;

    @TempDir
    Path shared;

    @ParameterizedTest(name = "filelock.type={0}")
    @ValueSource(strings = { "native", "sqlite", "soft-read-write" })
    void writeExcludesReadAndWriteAndReadSharesWithReadAcrossProcesses(String type) throws Exception {
        Path locks = Files.createDirectory(this.shared.resolve("locks"));
        try (ChildProcess a = start("a", "b", type, locks); ChildProcess b = start("b", "a", type, locks)) {
            assertThat(a.awaitExit(Duration.ofMinutes(2))).as("exit code of a; log:%n%s", a.describe()).isZero();
            assertThat(b.awaitExit(Duration.ofMinutes(2))).as("exit code of b; log:%n%s", b.describe()).isZero();
        }
        assertThat(Signals.lines(this.shared.resolve("met"))).as("both readers inside at once")
            .containsExactlyInAnyOrder("a", "b");
        assertThat(Signals.lines(this.shared.resolve("violations"))).isEmpty();
    }

    private ChildProcess start(String name, String other, String type, Path locks) throws Exception {
        return ChildJvm.start(name, ReadWriteApplication.class, "--filelock.directory=" + locks,
                "--filelock.type=" + type, "--shared=" + this.shared, "--name=" + name, "--other=" + other,
                "--rounds=" + ROUNDS, "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

}
