package dev.filelock.benchmarks.jmh;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import java.nio.file.Path;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A call of a {@link FileLocked} method (through the auto-configured advisor and
 * registry) against the direct API wrapped by hand around the same body, both on an
 * uncontended native lock.
 */
@State(Scope.Thread)
public class FileLockedBenchmarks {

    private Path directory;

    private ConfigurableApplicationContext context;

    private Work annotated;

    private final Work plain = new Work();

    private FileLock direct;

    private NativeReadWriteFileLock directReadWrite;

    /** Starts a minimal Spring application with filelock's auto-configuration. */
    @Setup(Level.Trial)
    public void setUp() {
        directory = TempDirectory.create("filelock-bench");
        context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .properties("filelock.directory=" + directory)
            .run();
        annotated = context.getBean(Work.class);
        direct = FileLock.of(directory.resolve("direct.lock"));
        directReadWrite = NativeReadWriteFileLock.of(directory.resolve("direct-rw.lock"));
    }

    /** Stops the application and removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        context.close();
        directReadWrite.close();
        TempDirectory.delete(directory);
    }

    /** Ours: the annotated method, through its proxy. */
    @Benchmark
    public long ours() {
        return annotated.increment();
    }

    /**
     * Anchor: the same body between {@code acquire()} and {@code close()} of a
     * {@link FileLock}.
     */
    @Benchmark
    public long anchor() {
        LockHold hold = direct.acquire();
        try {
            return plain.body();
        }
        finally {
            hold.close();
        }
    }

    /**
     * Like-for-like anchor: the same body under the write side of a
     * {@link NativeReadWriteFileLock}, the lock {@code @FileLocked} takes by default.
     */
    @Benchmark
    public long directNativeReadWrite() {
        LockHold hold = directReadWrite.acquireWrite();
        try {
            return plain.body();
        }
        finally {
            hold.close();
        }
    }

    /**
     * The benchmark's application: filelock's auto-configuration and one annotated bean.
     */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FileLockAutoConfiguration.class)
    public static class Application {

        /**
         * The annotated bean.
         * @return the bean
         */
        @Bean
        public Work work() {
            return new Work();
        }

    }

    /** The locked body: a counter increment, so the lock dominates. */
    public static class Work {

        private long counter;

        /**
         * Runs the body under the annotation's lock.
         * @return the new count
         */
        @FileLocked(path = "annotated.lock")
        public long increment() {
            return body();
        }

        long body() {
            return ++counter;
        }

    }

}
