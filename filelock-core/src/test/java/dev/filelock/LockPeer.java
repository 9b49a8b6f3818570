package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Another process taking soft read/write holds on the same files, a child JVM or a Python peer, driven line by line:
 * {@code read|write <timeout s>}, {@code release}, {@code check <marker>}; answers are read back as lines.
 */
final class LockPeer implements AutoCloseable {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();

    private LockPeer(List<String> command) throws IOException {
        process = new ProcessBuilder(command).start();
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
        expect("ready");
    }

    /** Starts a child JVM running {@link SoftReadWriteChild} with the given timings. */
    static LockPeer javaChild(Path lock, Duration heartbeat, Duration stale, Duration poll) throws IOException {
        return new LockPeer(javaCommand(System.getProperty("java.class.path"), lock, heartbeat, stale, poll));
    }

    /** Starts the child JVM as the given user through {@code setpriv}, with a class path that user can read. */
    static LockPeer javaChildAsUser(String user, String group, String classPath, Path lock, Duration heartbeat,
            Duration stale, Duration poll) throws IOException {
        assertThat(SETPRIV).as("setpriv (util-linux) runs the child as another user").isExecutable();
        List<String> command = new ArrayList<>(
                List.of(SETPRIV.toString(), "--reuid=" + user, "--regid=" + group, "--clear-groups"));
        command.addAll(javaCommand(classPath, lock, heartbeat, stale, poll));
        return new LockPeer(command);
    }

    private static List<String> javaCommand(String classPath, Path lock, Duration heartbeat, Duration stale,
            Duration poll) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a short-lived child starts faster with the client compiler and the serial collector
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", classPath,
                SoftReadWriteChild.class.getName(),
                lock.toString()));
        command.addAll(millis(heartbeat, stale, poll));
        return command;
    }

    /** Copies this JVM's class path where every user can read it, and returns the copy's class path. */
    static String classPathReadableByEveryone(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (Files.exists(source)) {
                Path copy = target.resolve(index++ + "-" + source.getFileName());
                copyReadableByEveryone(source, copy);
                entries.add(copy.toString());
            }
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return String.join(File.pathSeparator, entries);
    }

    private static void copyReadableByEveryone(Path source, Path copy) throws IOException {
        try (Stream<Path> tree = Files.walk(source)) {
            for (Path file : (Iterable<Path>) tree::iterator) {
                Path destination = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(destination, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** Starts the Python protocol peer ({@code soft_rw_peer.py}) with Debian's {@code /usr/bin/python3}. */
    static LockPeer python(Path lock, Duration heartbeat, Duration stale, Duration poll) throws IOException {
        assertThat(PYTHON)
                .as("the Python interop tests need Debian's /usr/bin/python3 (apt-get install python3)")
                .isExecutable();
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString(), lock.toString()));
        for (Duration duration : List.of(heartbeat, stale, poll)) {
            command.add(Double.toString(duration.toMillis() / 1000.0));
        }
        return new LockPeer(command);
    }

    /** Sends a command and returns its one-line answer. */
    String ask(String command) throws IOException, InterruptedException {
        send(command);
        return answer();
    }

    /** Sends a command without waiting for its answer. */
    void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    /** Waits for the next answer line. */
    String answer() throws InterruptedException {
        String answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            fail("no answer within " + ANSWER_TIMEOUT + "; stderr: " + errors);
        }
        return answer;
    }

    /** Waits for the process to end by itself. */
    void awaitExit() throws InterruptedException {
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("peer ended; stderr: %s", errors).isTrue();
    }

    /** Kills the process as {@code kill -9} would and waits for it to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            commands.write("exit\n");
            commands.close();
        } catch (IOException alreadyGone) {
            // it is ending anyway
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void expect(String line) throws IOException {
        try {
            String answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(answer).as("first line of the peer; stderr: %s", errors).isEqualTo(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void pump(BufferedReader lines, boolean toAnswers) {
        Thread pump = new Thread(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (toAnswers) {
                        answers.add(line);
                    } else {
                        synchronized (errors) {
                            errors.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, "lock-peer-output");
        pump.setDaemon(true);
        pump.start();
    }

    private static List<String> millis(Duration... durations) {
        List<String> values = new ArrayList<>();
        for (Duration duration : durations) {
            values.add(Long.toString(duration.toMillis()));
        }
        return values;
    }

    private static Path script() {
        try {
            Path script = Path.of(LockPeer.class.getResource("/python/soft_rw_peer.py").toURI());
            assertThat(Files.exists(script)).isTrue();
            return script;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
