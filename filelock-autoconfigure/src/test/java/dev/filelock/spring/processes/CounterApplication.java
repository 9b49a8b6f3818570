package dev.filelock.spring.processes;

import dev.filelock.spring.FileLocked;
import dev.filelock.testing.Signals;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A child-JVM application that increments a counter file in a {@link FileLocked} method,
 * recording any moment when two processes are inside the method together.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class CounterApplication {

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CounterApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            Path shared = Path.of(context.getEnvironment().getRequiredProperty("shared"));
            String name = context.getEnvironment().getRequiredProperty("name");
            int increments = context.getEnvironment().getRequiredProperty("increments", Integer.class);
            Files.createFile(shared.resolve("ready-" + name));
            Signals.awaitFiles(shared.resolve("ready-a"), shared.resolve("ready-b"));
            Counter counter = context.getBean(Counter.class);
            for (int i = 0; i < increments; i++) {
                counter.increment(name);
            }
        }
    }

    @Bean
    Counter counter(@Value("${shared}") Path shared) {
        return new Counter(shared);
    }

    public static class Counter {

        private final Path shared;

        public Counter(Path shared) {
            this.shared = shared;
        }

        @FileLocked(path = "counter.lock", timeout = "60s")
        public void increment(String name) throws IOException {
            Path inside = this.shared.resolve("inside");
            try {
                Files.writeString(inside, name, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            catch (FileAlreadyExistsException ex) {
                Signals.append(this.shared.resolve("violations"),
                        name + " entered while " + Files.readString(inside) + " was inside");
                return;
            }
            Path counterFile = this.shared.resolve("counter");
            int value = Files.exists(counterFile) ? Integer.parseInt(Files.readString(counterFile).trim()) : 0;
            Thread.yield();
            Files.writeString(counterFile, Integer.toString(value + 1));
            Files.delete(inside);
        }

    }

}
