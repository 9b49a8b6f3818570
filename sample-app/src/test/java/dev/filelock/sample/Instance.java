package dev.filelock.sample;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A sample application instance in a child JVM started with the test classpath on a free
 * port.
 */
final class Instance implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready at http://localhost:(\\d+)");

    private final ChildProcess process;

    private Instance(ChildProcess process) {
        this.process = process;
    }

    /** Starts an instance; {@link #awaitPort()} waits until it serves requests. */
    static Instance start(String name, Path cacheDirectory, String... properties) {
        return start(name, cacheDirectory, List.of(), properties);
    }

    /**
     * Starts an instance with extra JVM options, such as
     * {@code -Dspring.aot.enabled=true}.
     */
    static Instance start(String name, Path cacheDirectory, List<String> jvmOptions, String... properties) {
        List<String> args = new ArrayList<>(
                List.of("--server.port=0", "--sample.instance=" + name, "--sample.cache-directory=" + cacheDirectory));
        for (String property : properties) {
            args.add("--" + property);
        }
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        options.addAll(jvmOptions);
        return new Instance(ChildJvm.builder("instance " + name, SampleApplication.class)
            .jvmOptions(options)
            .start(args.toArray(String[]::new)));
    }

    /**
     * Waits until the instance has logged that it is ready, and returns its HTTP port.
     */
    int awaitPort() {
        return Integer.parseInt(this.process.awaitMatch(READY, Duration.ofSeconds(90)).group(1));
    }

    /**
     * Kills the process with SIGKILL, as {@code kill -9} does, and waits until it is
     * gone.
     */
    void kill() {
        this.process.kill();
    }

    String log() {
        return this.process.output();
    }

    /** Kills the process if it still runs and waits until it is gone. */
    @Override
    public void close() {
        this.process.close();
    }

}
