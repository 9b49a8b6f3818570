package dev.filelock.spring.processes;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a {@link dev.filelock.spring.FileLocked} job scheduled every second in two
 * instances (separate JVMs) with {@code @FileLocked(timeout = "0",
 * onTimeout = SKIP, holdAtLeast = "900ms")} runs once per tick: the minimum hold keeps
 * the instance whose tick came a little later from running the short job again after the
 * first finished.
 */
class ScheduledJobMultiProcessTests {

    private static final int TICKS = 20;

    @TempDir
    Path shared;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // two JVMs start, then 20 ticks of the
                                                 // clock
    void aJobWithAMinimumHoldRunsOncePerTickInTwoInstances() throws Exception {
        Path locks = Files.createDirectory(this.shared.resolve("locks"));
        long firstTick;
        try (ChildProcess a = start("a", locks); ChildProcess b = start("b", locks)) {
            await().atMost(Duration.ofMinutes(2))
                .failFast(() -> !a.isAlive() || !b.isAlive())
                .until(() -> Files.exists(this.shared.resolve("started-a"))
                        && Files.exists(this.shared.resolve("started-b")));
            firstTick = Instant.now().getEpochSecond() + 1;
            long lastTick = firstTick + TICKS - 1;
            await().atMost(Duration.ofSeconds(TICKS * 3)).until(() -> Instant.now().getEpochSecond() > lastTick + 1);
            Files.createFile(this.shared.resolve("stop"));
            assertThat(a.awaitExit(Duration.ofMinutes(1))).as("exit code of a; log:%n%s", a.describe()).isZero();
            assertThat(b.awaitExit(Duration.ofMinutes(1))).as("exit code of b; log:%n%s", b.describe()).isZero();
        }
        Map<Long, List<String>> runsBySecond = new TreeMap<>();
        for (String run : Signals.lines(this.shared.resolve("runs"))) {
            String[] secondAndName = run.split(" ");
            runsBySecond.computeIfAbsent(Long.parseLong(secondAndName[0]), (second) -> new ArrayList<>())
                .add(secondAndName[1]);
        }
        assertThat(runsBySecond).as("the instances that ran the job, by wall-clock second")
            .allSatisfy((second, names) -> assertThat(names).as("runs in second %d", second).hasSize(1));
        long ticksWithARun = runsBySecond.keySet()
            .stream()
            .filter((second) -> second >= firstTick && second < firstTick + TICKS)
            .count();
        // About one run per tick; a tick may be lost when both instances come just before
        // the minimum ends.
        assertThat(ticksWithARun).as("ticks with a run among %d: %s", TICKS, runsBySecond).isGreaterThan(TICKS / 2);
    }

    private ChildProcess start(String name, Path locks) throws Exception {
        return ChildJvm.start(name, ScheduledJobApplication.class, "--filelock.directory=" + locks,
                "--shared=" + this.shared, "--name=" + name, "--spring.main.banner-mode=off",
                "--logging.level.root=warn");
    }

}
