package dev.filelock.spring.aspectj;

import dev.filelock.spring.EnableFileLocking;
import dev.filelock.spring.aop.FileLockedAspect;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aspectj.weaver.loadtime.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link FileLockedAspect} under load-time weaving: two JVMs started with
 * {@code -javaagent:aspectjweaver.jar} and
 * {@link EnableFileLocking @EnableFileLocking(mode = ASPECTJ)} run
 * {@link SelfInvokingApplication}, whose locked section is only ever reached by a call
 * from another method of the same bean.
 */
class FileLockedAspectLoadTimeWeavingTests {

    private static final int ITERATIONS = 200;

    @TempDir
    Path shared;

    /**
     * Each child first reports what its self-invoked locked methods saw (path template,
     * Mono subscribed twice after the call returned, CompletableFuture, a skipped call,
     * private and final methods), then both run their sections.
     */
    @Test
    void selfInvokedSectionsOfTwoJvmsNeverOverlap() throws Exception {
        Path locks = Files.createDirectory(this.shared.resolve("locks"));
        try (ChildProcess a = start("a", locks); ChildProcess b = start("b", locks)) {
            for (ChildProcess child : List.of(a, b)) {
                child.awaitReady();
                assertThat(child.awaitValue("ADVISORS ")).as(child.describe()).isEqualTo("0");
                assertThat(child.awaitValue("SELF_INVOCATION_LOCKED ")).as(child.describe()).isEqualTo("true");
                assertThat(child.awaitValue("TEMPLATE_LOCKED ")).as(child.describe()).isEqualTo("true");
                assertThat(child.awaitValue("MONO_LOCKED ")).as(child.describe()).isEqualTo("[true, true, false]");
                assertThat(child.awaitValue("FUTURE_LOCKED ")).as(child.describe()).isEqualTo("[true, false]");
                assertThat(child.awaitValue("SKIPPED ")).as(child.describe()).isEqualTo("true");
                assertThat(child.awaitValue("PRIVATE_LOCKED ")).as(child.describe()).isEqualTo("true");
                assertThat(child.awaitValue("FINAL_LOCKED ")).as(child.describe()).isEqualTo("true");
            }
            // Both run at once: each reply comes after its sections, so the sections of
            // the two JVMs interleave.
            a.send("run");
            b.send("run");
            a.reply();
            b.reply();
            a.call(ChildMain.QUIT);
            b.call(ChildMain.QUIT);
            assertThat(a.awaitExit()).as(a.describe()).isZero();
            assertThat(b.awaitExit()).as(b.describe()).isZero();
            assertThat(a.awaitValue("AFTER_CLOSE ")).as("a locked method called after the context closed")
                .isEqualTo("IllegalStateException");
        }
        assertThat(linesOf("violations")).isEmpty();
        List<String> events = linesOf("events");
        assertThat(events).hasSize(4 * ITERATIONS);
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < events.size(); i += 2) {
            String enter = events.get(i);
            String exit = events.get(i + 1);
            if (!enter.startsWith("enter ") || !exit.equals("exit " + enter.substring("enter ".length()))) {
                overlaps.add("events " + i + ", " + (i + 1) + ": " + enter + " / " + exit);
            }
        }
        assertThat(overlaps).as("a section entered while another one was inside").isEmpty();
        assertThat(events).filteredOn("enter a"::equals).hasSize(ITERATIONS);
        assertThat(events).filteredOn("enter b"::equals).hasSize(ITERATIONS);
        assertThat(Files.readString(this.shared.resolve("counter"))).isEqualTo(Integer.toString(2 * ITERATIONS));
    }

    private ChildProcess start(String name, Path locks) throws Exception {
        return ChildJvm.start(name, List.of("-javaagent:" + aspectjWeaverJar()), 0, SelfInvokingApplication.class,
                "--filelock.directory=" + locks, "--shared=" + this.shared, "--name=" + name,
                "--iterations=" + ITERATIONS, "--spring.main.banner-mode=off", "--logging.level.root=warn");
    }

    /**
     * The weaver jar on the test classpath: the optional aspectjweaver dependency, in the
     * local Maven repository.
     */
    static Path aspectjWeaverJar() throws Exception {
        return Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private List<String> linesOf(String file) throws Exception {
        Path path = this.shared.resolve(file);
        return Files.exists(path) ? Files.readAllLines(path) : List.of();
    }

}
