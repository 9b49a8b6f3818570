package dev.filelock.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A child process (a JVM, Python, {@code flock(1)}) that talks to the test through lines: it reports on stdout, reads
 * commands on stdin, and is killed when closed.
 *
 * <p>Waits are bounded only to turn a hang into a failure with the child's output attached; they assert no timing.
 */
public final class ChildProcess implements AutoCloseable {

    /** Generous bound on any wait for a child, so that a hang fails the test instead of the build. */
    public static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Writer stdin;
    private final Thread stdoutDrainer;
    private int linesRead;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutDrainer = drain(process.getInputStream(), line -> {
            synchronized (stdout) {
                stdout.add(line);
            }
        });
        drain(process.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        });
    }

    /**
     * Starts the given command line.
     *
     * @param name a short name used in failure messages
     * @param builder the process to start
     * @return the running child
     */
    public static ChildProcess start(String name, ProcessBuilder builder) {
        try {
            return new ChildProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
        }
    }

    /**
     * Waits until the child printed a line starting with the prefix and returns it.
     *
     * @param prefix the line's start
     * @return the first such line
     */
    public String awaitLine(String prefix) {
        try {
            return await().atMost(HANG_GUARD)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> findLine(prefix).or(() -> lastChance(prefix)), Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no line '" + prefix + "...' from " + describe(), e);
        }
    }

    /**
     * Waits for the next line the child prints after those this method already returned, and returns it.
     *
     * @return the line, without terminator
     */
    public String nextLine() {
        try {
            return await().atMost(HANG_GUARD)
                    .pollInterval(Duration.ofMillis(5))
                    .until(this::unreadLine, Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no further line from " + describe(), e);
        }
    }

    /**
     * Returns the first line starting with the prefix printed so far.
     *
     * @param prefix the line's start
     * @return the line, or empty
     */
    public Optional<String> findLine(String prefix) {
        synchronized (stdout) {
            return stdout.stream().filter(line -> line.startsWith(prefix)).findFirst();
        }
    }

    /**
     * Returns the value after {@code prefix} in the first line that starts with it, waiting for the line.
     *
     * @param prefix the line's start, e.g. {@code "INCREMENTS "}
     * @return the rest of the line
     */
    public String awaitValue(String prefix) {
        return awaitLine(prefix).substring(prefix.length());
    }

    /**
     * Sends one line to the child's stdin.
     *
     * @param line the line, without terminator
     */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + describe(), e);
        }
    }

    /**
     * Waits for the child to exit and returns its exit code.
     *
     * @return the exit code
     */
    public int awaitExit() {
        try {
            if (!process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("still running: " + describe());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the child with SIGKILL and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tells whether the child is still running.
     *
     * @return whether it has not exited
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Returns the child's process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Returns everything the child printed, for failure messages.
     *
     * @return a description with name, exit state, stdout and stderr
     */
    public String describe() {
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        synchronized (stdout) {
            synchronized (stderr) {
                return name + " (" + state + ")\n--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + stderr;
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private Optional<String> unreadLine() {
        Optional<String> line = takeUnreadLine();
        if (line.isPresent() || process.isAlive()) {
            return line;
        }
        awaitDrained();
        return Optional.of(takeUnreadLine()
                .orElseThrow(() -> new AssertionError("no further line before exit: " + describe())));
    }

    private Optional<String> takeUnreadLine() {
        synchronized (stdout) {
            return linesRead < stdout.size() ? Optional.of(stdout.get(linesRead++)) : Optional.empty();
        }
    }

    private void awaitDrained() {
        try {
            // The child has exited; its last lines may still be on their way through the drainer.
            stdoutDrainer.join(HANG_GUARD.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<String> lastChance(String prefix) {
        if (process.isAlive()) {
            return Optional.empty();
        }
        awaitDrained();
        return Optional.of(findLine(prefix)
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' before exit: " + describe())));
    }

    private Thread drain(InputStream stream, java.util.function.Consumer<String> sink) {
        Thread drainer = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "drain-" + name);
        drainer.setDaemon(true);
        drainer.start();
        return drainer;
    }
}
