package dev.filelock.spring.processes;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.jdbc.JdbcLeaseKeeper;
import dev.filelock.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A child-JVM application for the jdbc fault test: enters one {@link FileLocked} method
 * (timeout 3 s) over and over until the file {@code stop} exists, staying inside a few
 * seconds while its lease is valid and leaving as soon as it is not, with a short pause
 * between two calls. In the shared directory it appends {@code entries} (its name per
 * entry), {@code overlaps} (the other process was inside while this one believed it held
 * the lock), {@code overruns} (a wait that ended later than its timeout plus the slack),
 * {@code failures} (waits and releases that failed, expected during faults) and
 * {@code losses} (leases that lapsed while inside). While the file {@code exhaust-<name>}
 * exists, it keeps every connection of its application pool busy.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class FaultApplication {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    static final Duration SLACK = Duration.ofSeconds(2);

    static final Duration PAUSE = Duration.ofMillis(300);

    /**
     * When the method body last started (a static: the bean seen by main is a proxy
     * without the target's fields).
     */
    static final AtomicLong ENTERED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(FaultApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            Job job = context.getBean(Job.class);
            Path shared = Path.of(context.getEnvironment().getRequiredProperty("shared"));
            String name = context.getEnvironment().getRequiredProperty("name");
            String other = context.getEnvironment().getRequiredProperty("other");
            int poolSize = context.getEnvironment()
                .getRequiredProperty("spring.datasource.hikari.maximum-pool-size", Integer.class);
            DataSource application = context.getBean(DataSource.class);
            List<Connection> busy = new ArrayList<>();
            Files.createFile(shared.resolve("ready-" + name));
            Signals.awaitFiles(shared.resolve("ready-" + other));
            while (!Files.exists(shared.resolve("stop"))) {
                if (busy.isEmpty() && Files.exists(shared.resolve("exhaust-" + name))) {
                    for (int i = 0; i < poolSize; i++) {
                        busy.add(application.getConnection());
                    }
                    Signals.append(shared.resolve("exhausted"), name);
                }
                long start = System.nanoTime();
                ENTERED.set(0);
                String failure = "entered";
                try {
                    job.enter(name, other);
                }
                catch (FileLockTimeoutException ex) {
                    failure = name + " wait: " + ex.getMessage();
                    Signals.append(shared.resolve("failures"), failure);
                }
                catch (RuntimeException ex) {
                    failure = name + " " + ex;
                    Signals.append(shared.resolve("failures"), failure);
                }
                long entered = ENTERED.get();
                long waitEnd = (entered != 0) ? entered : System.nanoTime();
                Duration waited = Duration.ofNanos(waitEnd - start);
                if (waited.compareTo(TIMEOUT.plus(SLACK)) > 0) {
                    Signals.append(shared.resolve("overruns"), name + " waited " + waited + " (" + failure + ")");
                }
                // The registry is not fair: without a pause, the process that just left
                // would always win again.
                Thread.sleep(PAUSE.toMillis());
            }
            for (Connection connection : busy) {
                connection.close();
            }
        }
    }

    @Bean
    Job job(@Value("${shared}") Path shared, JdbcLeaseKeeper leases) {
        return new Job(shared, leases);
    }

    public static class Job {

        private final Path shared;

        private final JdbcLeaseKeeper leases;

        public Job(Path shared, JdbcLeaseKeeper leases) {
            this.shared = shared;
            this.leases = leases;
        }

        @FileLocked(path = "fault.lock", timeout = "3s")
        public void enter(String name, String other) throws Exception {
            ENTERED.set(System.nanoTime());
            Path inside = this.shared.resolve("inside-" + name);
            Path otherInside = this.shared.resolve("inside-" + other);
            Files.createFile(inside);
            try {
                Signals.append(this.shared.resolve("entries"), name);
                long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < end) {
                    if (!this.leases.isHeld("fault.lock")) {
                        Signals.append(this.shared.resolve("losses"), name);
                        return;
                    }
                    if (Files.exists(otherInside)) {
                        Signals.append(this.shared.resolve("overlaps"), name + " found " + other + " inside");
                    }
                    Thread.sleep(10);
                }
            }
            finally {
                // Leaving (or no longer believing it holds the lock): the marker goes
                // first.
                Files.delete(inside);
            }
        }

    }

}
