package dev.filelock.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process (JVM or Python) driven by one-line commands on its stdin and answering one line per event on its
 * stdout; every wait for an answer is bounded, so a stuck child fails the row instead of hanging the suite.
 */
final class ChildProcess implements Agent {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final String END_OF_OUTPUT = "\u0000eof";

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String name, List<String> command, Path workDir) {
        this.name = name;
        try {
            this.stderr = Files.createTempFile(workDir, "child-", ".stderr");
            this.process = new ProcessBuilder(command)
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::pumpStdout, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@link Child} in a new JVM on this JVM's classpath, with a 256 MB heap. */
    static ChildProcess java(String name, Path workDir, String... args) {
        return javaWithHeap(name, workDir, "256m", args);
    }

    /** Starts {@link Child} in a new JVM on this JVM's classpath, with the given maximum heap. */
    static ChildProcess javaWithHeap(String name, Path workDir, String maxHeap, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"),
                Child.class.getName()));
        command.addAll(List.of(args));
        return new ChildProcess(name, command, workDir);
    }

    /** Starts a Python script with Debian's interpreter, which has Debian's {@code python3-filelock}. */
    static ChildProcess python(String name, Path workDir, Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", script.toString()));
        command.addAll(List.of(args));
        return new ChildProcess(name, command, workDir);
    }

    @Override
    public void send(String command) {
        try {
            stdin.write(command);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException(name + " no longer reads commands" + stderrTail(), e);
        }
    }

    /** Waits (up to a minute) for the next line, which must start with {@code word}, and returns the rest of it. */
    String expect(String word) {
        return expect(word, ANSWER_TIMEOUT);
    }

    /** Waits up to {@code timeout} for the next line, which must start with {@code word}, and returns the rest. */
    String expect(String word, Duration timeout) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
        if (line == null) {
            throw new IllegalStateException(name + " did not answer '" + word + "' within " + timeout
                    + stderrTail());
        }
        if (line.equals(END_OF_OUTPUT)) {
            throw new IllegalStateException(name + " exited before answering '" + word + "'" + stderrTail());
        }
        if (!line.equals(word) && !line.startsWith(word + " ")) {
            throw new IllegalStateException(name + " answered '" + line + "' instead of '" + word + "'"
                    + stderrTail());
        }
        return line.substring(word.length()).trim();
    }

    @Override
    public long expectLong(String word) {
        return Long.parseLong(expect(word).split(" ")[0]);
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // The child may already have exited; it is destroyed below in any case.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // A leftover stderr file sits in the run's own temp directory, which is deleted at the end.
            }
        }
    }

    private void pumpStdout() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // The pipe closed: the child is gone, reported below.
        }
        lines.add(END_OF_OUTPUT);
    }

    private String stderrTail() {
        try {
            String text = Files.readString(stderr);
            return text.isBlank() ? "" : "; its stderr ends with: " + text.substring(Math.max(0, text.length() - 600));
        } catch (IOException e) {
            return "";
        }
    }
}
