package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A child-JVM application with the README's scheduled job: every second, skipped when
 * another instance holds its lock, with a minimum hold of {@code job.hold-at-least}
 * (empty for none). Each run appends its wall-clock second and the instance's name to
 * {@code runs}; the application stops when the file {@code stop} appears.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
public class ScheduledJobApplication {

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ScheduledJobApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            Path shared = Path.of(context.getEnvironment().getRequiredProperty("shared"));
            Files.createFile(shared.resolve("started-" + context.getEnvironment().getRequiredProperty("name")));
            Signals.awaitFiles(shared.resolve("stop"));
        }
    }

    @Bean
    Job job(@Value("${shared}") Path shared, @Value("${name}") String name) {
        return new Job(shared.resolve("runs"), name);
    }

    public static class Job {

        private final Path runs;

        private final String name;

        public Job(Path runs, String name) {
            this.runs = runs;
            this.name = name;
        }

        @Scheduled(cron = "* * * * * *")
        @FileLocked(path = "job.lock", timeout = "0", onTimeout = OnTimeout.SKIP,
                holdAtLeast = "${job.hold-at-least:900ms}")
        public void run() {
            Signals.append(this.runs, Instant.now().getEpochSecond() + " " + this.name);
        }

    }

}
