package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that two Spring applications in separate JVMs never run one {@link FileLocked}
 * method at the same time.
 */
class FileLockedMultiProcessTests {

    private static final int INCREMENTS = 300;

    @TempDir
    Path shared;

    @Test
    void twoApplicationsAreNeverInsideTheMethodTogether() throws Exception {
        Path locks = Files.createDirectory(this.shared.resolve("locks"));
        try (ChildProcess a = start("a", locks); ChildProcess b = start("b", locks)) {
            assertThat(a.awaitExit(Duration.ofMinutes(2))).as("exit code of a; log:%n%s", a.describe()).isZero();
            assertThat(b.awaitExit(Duration.ofMinutes(2))).as("exit code of b; log:%n%s", b.describe()).isZero();
        }
        assertThat(Signals.lines(this.shared.resolve("violations"))).isEmpty();
        assertThat(Files.readString(this.shared.resolve("counter"))).isEqualTo(Integer.toString(2 * INCREMENTS));
        assertThat(locks.resolve("counter.lock")).exists();
    }

    private ChildProcess start(String name, Path locks) throws Exception {
        return ChildJvm.start(name, CounterApplication.class, "--filelock.directory=" + locks,
                "--shared=" + this.shared, "--name=" + name, "--increments=" + INCREMENTS,
                "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

}
