package dev.filelock.spring;

import java.nio.file.Path;
import java.util.List;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Distinct keys through the registry, read/write and exclusive, leave bounded descriptors
 * and memory: its cached entries (up to 10,000 by default) pin no SQLite connection each.
 */
class FileLockRegistryResourceTests {

    @TempDir
    Path directory;

    @Test
    void thousandsOfDistinctKeysLeaveBoundedDescriptorsAndMemory() {
        // A fixed, pre-touched heap: what grows is native memory (SQLite connections) and
        // descriptors.
        try (ChildProcess child = ChildJvm.start("registry keys", List.of("-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch"),
                0, RegistryDistinctKeysChild.class, this.directory.toString(), "3000")) {
            long[] baseline = values(child.awaitLine("baseline"));
            long[] after = values(child.awaitLine("after"));
            assertThat(child.awaitExit()).as(child::describe).isZero();

            assertThat(after[0]).as("descriptors (baseline %d)", baseline[0]).isLessThanOrEqualTo(baseline[0] + 200);
            assertThat(after[1]).as("resident kB (baseline %d)", baseline[1])
                .isLessThanOrEqualTo(baseline[1] + 64 * 1024);
        }
    }

    private static long[] values(String line) {
        String[] fields = line.trim().split(" ");
        return new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) };
    }

}
