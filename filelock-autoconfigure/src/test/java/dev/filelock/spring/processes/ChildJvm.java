package dev.filelock.spring.processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Spring application started in a child JVM with the test classpath; killed on close if still running. */
final class ChildJvm implements AutoCloseable {

    private final String name;

    private final Process process;

    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(String name, Class<?> mainClass, Path logDirectory, String... args) throws IOException {
        return start(name, List.of(), mainClass, logDirectory, args);
    }

    /** Starts the JVM through a wrapper command, such as {@code faketime -f +60s} for a JVM with a shifted clock. */
    static ChildJvm start(String name, List<String> wrapper, Class<?> mainClass, Path logDirectory, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Path log = logDirectory.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(name, process, log);
    }

    String name() {
        return this.name;
    }

    long pid() {
        return this.process.pid();
    }

    boolean isAlive() {
        return this.process.isAlive();
    }

    /** Waits for a normal exit and returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Child JVM " + this.name + " did not exit in " + timeout + "; log:\n" + log());
        }
        return this.process.exitValue();
    }

    /** Kills the process with SIGKILL, as {@code kill -9} does, and waits until it is gone. */
    void kill() {
        this.process.destroyForcibly();
        try {
            this.process.waitFor();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing " + this.name, ex);
        }
    }

    String log() {
        try {
            return Files.exists(this.log) ? Files.readString(this.log) : "(no output)";
        }
        catch (IOException ex) {
            return "(unreadable log: " + ex + ")";
        }
    }

    @Override
    public void close() {
        if (this.process.isAlive()) {
            kill();
        }
    }
}
