package dev.filelock.spring.processes;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests {@link LockRegistryLeaderInitiator} on {@link FileLockRegistry} in two JVMs:
 * exactly one leader, and the other takes over when the leader is killed with SIGKILL.
 */
class LeaderElectionMultiProcessTests {

    @TempDir
    Path shared;

    @Test
    void electsExactlyOneLeaderAndFailsOverWhenItIsKilled() throws Exception {
        Path locks = Files.createDirectory(this.shared.resolve("locks"));
        Path events = this.shared.resolve("events");
        try (ChildProcess a = start("a", locks, events); ChildProcess b = start("b", locks, events)) {
            Map<String, ChildProcess> children = Map.of("a", a, "b", b);
            // The follower's first failed attempt proves both were running for leadership
            // while the leader led.
            await().atMost(Duration.ofMinutes(2))
                .until(() -> Signals.lines(events).stream().anyMatch((line) -> line.startsWith("denied")));
            List<String> beforeKill = Signals.lines(events);
            assertThat(beforeKill).as("events; a:%n%s%nb:%n%s", a.describe(), b.describe())
                .filteredOn((line) -> line.startsWith("granted"))
                .hasSize(1);
            String leader = beforeKill.stream()
                .filter((line) -> line.startsWith("granted"))
                .findFirst()
                .orElseThrow()
                .substring("granted ".length());
            String follower = leader.equals("a") ? "b" : "a";
            assertThat(beforeKill).contains("denied " + follower).doesNotContain("denied " + leader);

            children.get(leader).kill();
            await().atMost(Duration.ofMinutes(1)).until(() -> Signals.lines(events).contains("granted " + follower));
            assertThat(Signals.lines(events)).filteredOn((line) -> line.startsWith("granted"))
                .containsExactly("granted " + leader, "granted " + follower);
        }
    }

    private ChildProcess start(String name, Path locks, Path events) throws Exception {
        return ChildJvm.start(name, LeaderApplication.class, "--filelock.directory=" + locks, "--events=" + events,
                "--name=" + name, "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

}
