package dev.filelock.spring.processes;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLockContext;
import dev.filelock.spring.FileLocked;
import dev.filelock.testing.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A child-JVM application with one {@link FileLocked} method, for the multi-host tests.
 * Modes: {@code meet} enters the method a few times and, inside, waits a moment for the
 * other process to be inside too (recording it if it is); {@code hold} enters it and
 * never leaves (to be killed); {@code try-twice} tries it for a few seconds, then again
 * once the file {@code released} exists, appending each outcome to {@code attempts} (it
 * starts once {@code held} exists); {@code brief} enters a method with a minimum hold
 * ({@code hold-at-least}) that returns at once, signals {@code returned-<name>} and stays
 * alive (to be killed); {@code hold-at-least} enters that kind of method and never
 * leaves; {@code hold-when-told} signals {@code ready-<name>}, then enters like
 * {@code hold} once {@code go} exists.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class RendezvousApplication {

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RendezvousApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            Job job = context.getBean(Job.class);
            Path shared = Path.of(context.getEnvironment().getRequiredProperty("shared"));
            String name = context.getEnvironment().getRequiredProperty("name");
            switch (context.getEnvironment().getRequiredProperty("mode")) {
                case "meet" -> {
                    String other = context.getEnvironment().getRequiredProperty("other");
                    int rounds = context.getEnvironment().getRequiredProperty("rounds", Integer.class);
                    Files.createFile(shared.resolve("ready-" + name));
                    Signals.awaitFiles(shared.resolve("ready-" + other));
                    for (int i = 0; i < rounds; i++) {
                        job.meet(name, other);
                    }
                }
                case "hold" -> job.hold(name);
                case "brief" -> {
                    job.brief(name);
                    Files.createFile(shared.resolve("returned-" + name));
                    new CountDownLatch(1).await();
                }
                case "hold-at-least" -> job.holdAtLeast(name);
                case "hold-when-told" -> {
                    Files.createFile(shared.resolve("ready-" + name));
                    Signals.awaitFiles(shared.resolve("go"));
                    job.hold(name);
                }
                case "try-twice" -> {
                    // Once while the test holds the lock, once after it released it (both
                    // signalled by files).
                    Files.createFile(shared.resolve("ready-" + name));
                    Signals.awaitFiles(shared.resolve("held"));
                    Signals.append(shared.resolve("attempts"), "first " + attempt(job, name));
                    Signals.awaitFiles(shared.resolve("released"));
                    Signals.append(shared.resolve("attempts"), "second " + attempt(job, name));
                }
                default -> throw new IllegalArgumentException("unknown mode");
            }
        }
    }

    /**
     * Tries the lock for a few seconds, through the proxy: {@code entered} or
     * {@code timed out}.
     */
    private static String attempt(Job job, String name) {
        try {
            job.enter(name);
            return "entered";
        }
        catch (FileLockTimeoutException ex) {
            return "timed out";
        }
    }

    @Bean
    Job job(@Value("${shared}") Path shared, @Value("${window:1s}") Duration window) {
        return new Job(shared, window);
    }

    public static class Job {

        private final Path shared;

        private final Duration window;

        public Job(Path shared, Duration window) {
            this.shared = shared;
            this.window = window;
        }

        @FileLocked(path = "job.lock", timeout = "60s")
        public void meet(String name, String other) throws IOException, InterruptedException {
            Path inside = this.shared.resolve("inside-" + name);
            Files.createFile(inside);
            try {
                if (appears(this.shared.resolve("inside-" + other))) {
                    Signals.append(this.shared.resolve("overlaps"), name + " found " + other + " inside");
                }
                Signals.append(this.shared.resolve("entries"), name);
                appendFencingToken();
            }
            finally {
                Files.delete(inside);
            }
        }

        /**
         * Appends the lock's fencing token while holding it, so the file lists tokens in
         * acquisition order.
         */
        private void appendFencingToken() {
            try {
                Signals.append(this.shared.resolve("tokens"), Long.toString(FileLockContext.current().fencingToken()));
            }
            catch (UnsupportedOperationException ex) {
                // The file backend has no fencing tokens.
            }
        }

        @FileLocked(path = "job.lock", timeout = "3s")
        public void enter(String name) {
        }

        @FileLocked(path = "job.lock", timeout = "60s")
        public void hold(String name) throws IOException, InterruptedException {
            Files.createFile(this.shared.resolve("holding-" + name));
            new CountDownLatch(1).await();
        }

        @FileLocked(path = "job.lock", timeout = "60s", holdAtLeast = "${hold-at-least:0s}")
        public void brief(String name) {
        }

        @FileLocked(path = "job.lock", timeout = "60s", holdAtLeast = "${hold-at-least:0s}")
        public void holdAtLeast(String name) throws IOException, InterruptedException {
            hold(name);
        }

        /** Gives the other process the window's time to show up inside the method. */
        private boolean appears(Path file) throws InterruptedException {
            long deadline = System.nanoTime() + this.window.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.exists(file)) {
                    return true;
                }
                Thread.sleep(10);
            }
            return Files.exists(file);
        }

    }

}
