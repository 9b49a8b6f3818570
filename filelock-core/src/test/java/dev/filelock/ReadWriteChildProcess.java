package dev.filelock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child process (a JVM running {@link ReadWriteChild}, or Python) talked to line by line; killed when closed. */
final class ReadWriteChildProcess implements AutoCloseable {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String EOF = "<end of output>";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ReadWriteChildProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread pump = new Thread(this::pumpOutput, "child-output " + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts a JVM running {@link ReadWriteChild} with the test class path. */
    static ReadWriteChildProcess java(String... args) throws IOException {
        return new ReadWriteChildProcess(javaCommand(System.getProperty("java.class.path"), args));
    }

    static List<String> javaCommand(String classPath, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, ReadWriteChild.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code /usr/bin/python3} with the given script and arguments; fails clearly if it is missing. */
    static ReadWriteChildProcess python(Path script, String... args) throws IOException {
        if (!Files.isExecutable(PYTHON)) {
            throw new AssertionError("The interoperability tests need Debian's /usr/bin/python3 (apt-get install python3)");
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(args));
        return new ReadWriteChildProcess(command);
    }

    static ReadWriteChildProcess command(List<String> command) throws IOException {
        return new ReadWriteChildProcess(command);
    }

    private void pumpOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // The process was killed: the end-of-output line below tells the reader.
        }
        lines.add(EOF);
    }

    /** Returns the next line of output, failing after 60 s or at the end of the output. */
    String readLine() throws InterruptedException {
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null || line.equals(EOF)) {
            throw new AssertionError("child " + process.pid() + " said nothing more (" + line + "), alive: "
                    + process.isAlive());
        }
        return line;
    }

    /** Sends one line to the child's stdin (the holders release on it). */
    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits for the exit, failing after 60 s. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + process.pid() + " did not exit");
        }
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** Kills the child with SIGKILL and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
