package dev.filelock.spring.actuate.health;

import org.springframework.boot.health.contributor.Health;
import java.nio.file.Path;

/**
 * Child JVM main: prints the status and reason of a {@link FileLockHealthIndicator} on
 * the given directory.
 */
public final class HealthCheckChild {

    private HealthCheckChild() {
    }

    public static void main(String[] args) {
        Health health = new FileLockHealthIndicator(Path.of(args[0]), false, null).health(true);
        System.out.println(health.getStatus().getCode() + " " + health.getDetails().getOrDefault("reason", ""));
    }

}
