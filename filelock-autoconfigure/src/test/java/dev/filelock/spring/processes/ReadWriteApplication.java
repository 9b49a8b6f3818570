package dev.filelock.spring.processes;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import dev.filelock.testing.Signals;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A child-JVM application with a READ and a WRITE {@link FileLocked} method on one path
 * and no other attribute. It first meets the other process inside the READ method (both
 * must be inside at once), then runs a reader thread and a writer thread for some rounds,
 * recording in {@code violations} any moment when a writer shares the path with anyone.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ReadWriteApplication {

    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReadWriteApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            Path shared = Path.of(context.getEnvironment().getRequiredProperty("shared"));
            String name = context.getEnvironment().getRequiredProperty("name");
            String other = context.getEnvironment().getRequiredProperty("other");
            int rounds = context.getEnvironment().getRequiredProperty("rounds", Integer.class);
            Catalog catalog = context.getBean(Catalog.class);
            Files.createFile(shared.resolve("ready-" + name));
            Signals.awaitFiles(shared.resolve("ready-" + other));
            catalog.meet(name, other);
            CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> repeat(rounds, () -> catalog.read(name)));
            CompletableFuture<Void> writes = CompletableFuture
                .runAsync(() -> repeat(rounds, () -> catalog.write(name)));
            CompletableFuture.allOf(reads, writes).join();
        }
    }

    private static void repeat(int rounds, Call call) {
        try {
            for (int i = 0; i < rounds; i++) {
                call.run();
            }
        }
        catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @FunctionalInterface
    private interface Call {

        void run() throws IOException, InterruptedException;

    }

    @Bean
    Catalog catalog(@Value("${shared}") Path shared) {
        return new Catalog(shared);
    }

    public static class Catalog {

        private final Path shared;

        public Catalog(Path shared) {
            this.shared = shared;
        }

        /**
         * Both processes must be inside at the same time: each waits (bounded) to see the
         * other, then to be seen.
         */
        @FileLocked(path = "catalog.lock", timeout = "60s", mode = LockMode.READ)
        public void meet(String name, String other) throws IOException, InterruptedException {
            Files.createFile(this.shared.resolve("meeting-" + name));
            if (appears(this.shared.resolve("meeting-" + other))) {
                Files.createFile(this.shared.resolve("saw-" + name));
                if (appears(this.shared.resolve("saw-" + other))) {
                    Signals.append(this.shared.resolve("met"), name);
                }
            }
        }

        @FileLocked(path = "catalog.lock", timeout = "60s", mode = LockMode.READ)
        public void read(String name) throws IOException, InterruptedException {
            inside("read-" + name + "-" + Thread.currentThread().getId(), "write-");
        }

        @FileLocked(path = "catalog.lock", timeout = "60s")
        public void write(String name) throws IOException, InterruptedException {
            inside("write-" + name, "");
        }

        /**
         * Marks this caller inside, checks twice (around a short stay) for markers that
         * must not be there.
         */
        private void inside(String marker, String forbiddenPrefix) throws IOException, InterruptedException {
            Path mine = this.shared.resolve("inside").resolve(marker);
            Files.createDirectories(mine.getParent());
            Files.createFile(mine);
            try {
                check(marker, forbiddenPrefix);
                Thread.sleep(2);
                check(marker, forbiddenPrefix);
            }
            finally {
                Files.delete(mine);
            }
        }

        private void check(String marker, String forbiddenPrefix) throws IOException {
            List<String> others = new ArrayList<>();
            try (DirectoryStream<Path> inside = Files.newDirectoryStream(this.shared.resolve("inside"))) {
                for (Path path : inside) {
                    String name = path.getFileName().toString();
                    if (!name.equals(marker) && name.startsWith(forbiddenPrefix)) {
                        others.add(name);
                    }
                }
            }
            if (!others.isEmpty()) {
                Signals.append(this.shared.resolve("violations"), marker + " inside with " + others);
            }
        }

        private static boolean appears(Path file) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (Files.exists(file)) {
                    return true;
                }
                Thread.sleep(5);
            }
            return false;
        }

    }

}
