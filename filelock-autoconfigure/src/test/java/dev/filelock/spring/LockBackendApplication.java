package dev.filelock.spring;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import dev.filelock.testing.ChildMain;
import java.time.Duration;
import java.util.ArrayList;
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
 * The child's arguments are the properties; it speaks the child protocol
 * ({@link ChildMain}) with the commands of {@code dev.filelock.fixtures.LockChild}:
 * {@code acquire KEY} takes the key's WRITE lock and answers {@code OK held};
 * {@code release} releases what it holds and answers {@code OK released}.
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

    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = start(Arrays.asList(args))) {
            LockBackend backend = context.getBean(LockBackend.class);
            List<LockHold> held = new ArrayList<>();
            ChildMain.create().on("acquire", (words) -> {
                held.add(backend.acquire(words.get(0), LockMode.WRITE, Duration.ofSeconds(60)));
                return "held";
            }).on("release", (words) -> {
                held.forEach(LockHold::close);
                held.clear();
                return "released";
            }).run();
            held.forEach(LockHold::close);
        }
        System.exit(0);
    }

}
