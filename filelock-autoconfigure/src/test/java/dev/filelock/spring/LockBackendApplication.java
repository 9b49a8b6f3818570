package dev.filelock.spring;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.DefaultLockRegistry;

/**
 * The application of the {@link LockBackend} contract tests: the {@link LockBackend} that
 * the auto-configuration builds from {@code filelock.*} properties, in the test's JVM
 * and, as another process, in a child JVM.
 *
 * <p>
 * The child's arguments are a key followed by the properties; it speaks the {@code hold}
 * protocol of {@code dev.filelock.fixtures.LockChild}: takes the key's WRITE lock, prints
 * {@code HELD}, releases it after a line on stdin, prints {@code RELEASED}.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, FileLockJdbcAutoConfiguration.class,
        FileLockAutoConfiguration.class })
public class LockBackendApplication {

    /**
     * The property that adds a Spring Integration {@link DefaultLockRegistry} bean named
     * {@code userRegistry}.
     */
    static final String USER_REGISTRY = "contract.user-registry";

    @Bean
    @ConditionalOnBooleanProperty(USER_REGISTRY)
    DefaultLockRegistry userRegistry() {
        return new DefaultLockRegistry();
    }

    /** Starts the application with the given {@code name=value} properties. */
    static ConfigurableApplicationContext start(List<String> properties) {
        return new SpringApplicationBuilder(LockBackendApplication.class).web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
    }

    // "try": the hold is a scope, released when the parent says so.
    @SuppressWarnings("try")
    public static void main(String[] args) throws Exception {
        List<String> properties = Arrays.asList(args).subList(1, args.length);
        try (ConfigurableApplicationContext context = start(properties)) {
            LockBackend backend = context.getBean(LockBackend.class);
            try (LockHold hold = backend.acquire(args[0], LockMode.WRITE, Duration.ofSeconds(60))) {
                report("HELD");
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            report("RELEASED");
        }
        System.exit(0);
    }

    private static void report(String line) {
        System.out.println(line);
        System.out.flush();
    }

}
