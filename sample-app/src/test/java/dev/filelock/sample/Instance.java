package dev.filelock.sample;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A sample application instance in a child JVM started with the test classpath on a free port. */
final class Instance implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready at http://localhost:(\\d+)");

    private final String name;

    private final Process process;

    private final Path log;

    private Instance(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts an instance; {@link #awaitPort()} waits until it serves requests. */
    static Instance start(String name, Path cacheDirectory, Path logDirectory, String... properties)
            throws IOException {
        return start(name, cacheDirectory, logDirectory, List.of(), properties);
    }

    /** Starts an instance with extra JVM options, such as {@code -Dspring.aot.enabled=true}. */
    static Instance start(String name, Path cacheDirectory, Path logDirectory, List<String> jvmOptions,
            String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SampleApplication.class.getName(),
                "--server.port=0", "--sample.instance=" + name, "--sample.cache-directory=" + cacheDirectory));
        for (String property : properties) {
            command.add("--" + property);
        }
        Path log = logDirectory.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Instance(name, process, log);
    }

    /** Waits until the instance has logged that it is ready, and returns its HTTP port. */
    int awaitPort() {
        return await("instance " + this.name + " ready").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> {
                if (!this.process.isAlive()) {
                    throw new IllegalStateException("Instance " + this.name + " exited:\n" + log());
                }
                Matcher ready = READY.matcher(log());
                return ready.find() ? Integer.parseInt(ready.group(1)) : null;
            }, (port) -> port != null);
    }

    /** Kills the process with SIGKILL, as {@code kill -9} does, and waits until it is gone. */
    void kill() throws InterruptedException {
        this.process.destroyForcibly();
        this.process.waitFor();
    }

    String log() {
        try {
            return Files.exists(this.log) ? Files.readString(this.log) : "";
        }
        catch (IOException ex) {
            return "(unreadable log: " + ex + ")";
        }
    }

    /** Kills the process if it still runs and waits until it is gone, without a checked exception for try-with-resources. */
    @Override
    public void close() {
        if (this.process.isAlive()) {
            this.process.destroyForcibly().onExit().join();
        }
    }
}
