package dev.filelock.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A child process (a JVM, Python, {@code flock(1)}) that talks to the test through lines:
 * it reports on stdout, reads commands on stdin, and is killed when closed, or at the
 * latest when this JVM exits.
 *
 * <p>
 * Children that speak the one child protocol of {@link ChildMain} are driven with
 * {@link #awaitReady()}, {@link #call(String)} and {@link #reply()}; any other line they
 * print is kept for {@link #describe()} and the line-level methods ({@link #awaitLine},
 * {@link #nextLine}). The waits block on the child's output (no polling), so a reply is
 * seen microseconds after the child prints it; they are bounded only to turn a hang into
 * a failure with the child's output attached, and assert no timing. A child that exits,
 * hangs or answers {@code ERR} where {@code OK} is due fails the caller with an
 * {@link IllegalStateException} carrying everything the child printed.
 */
public final class ChildProcess implements AutoCloseable {

    /**
     * Generous bound on any wait for a child, so that a hang fails the test instead of
     * the build.
     */
    public static final Duration HANG_GUARD = Duration.ofSeconds(60);

    /**
     * Children still running, killed by a shutdown hook should a test leave one behind.
     */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-child-processes"));
    }

    private final String name;

    private final Process process;

    private final List<String> stdout = new ArrayList<>();

    private final StringBuilder stderr = new StringBuilder();

    private final Writer stdin;

    private boolean stdoutEnded;

    private int linesRead;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        drain(process.getInputStream(), line -> {
            synchronized (stdout) {
                stdout.add(line);
                stdout.notifyAll();
            }
        }, () -> {
            synchronized (stdout) {
                stdoutEnded = true;
                stdout.notifyAll();
            }
        });
        drain(process.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.append(line).append('\n');
            }
        }, () -> {
        });
    }

    /**
     * Starts the given command line.
     * @param name a short name used in failure messages
     * @param builder the process to start
     * @return the running child
     * @throws UncheckedIOException if the command cannot be started
     */
    public static ChildProcess start(String name, ProcessBuilder builder) {
        try {
            return new ChildProcess(name, builder.start());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + builder.command(), e);
        }
    }

    /**
     * Waits for the child's {@link ChildMain#READY} line: its handlers are registered and
     * it reads commands.
     * @return this child
     * @throws IllegalStateException if the child exits or stays silent for
     * {@link #HANG_GUARD} first
     */
    public ChildProcess awaitReady() {
        String line = awaitUnread(ChildMain::isProtocolLine, "READY");
        if (!ChildMain.READY.equals(line)) {
            throw new IllegalStateException("expected READY, got '" + line + "' from " + describe());
        }
        return this;
    }

    /**
     * Sends one command of the child protocol and waits for its reply.
     * @param command the command name and its arguments, separated by spaces
     * @return the data of the {@code OK} reply, empty if it has none
     * @throws IllegalStateException if the child answers {@code ERR}, exits or stays
     * silent for {@link #HANG_GUARD}
     */
    public String call(String command) {
        send(command);
        return reply();
    }

    /**
     * Waits for the reply to a command sent earlier with {@link #send}, for a command
     * that blocks in the child (such as an acquisition the test lets through later).
     * @return the data of the {@code OK} reply, empty if it has none
     * @throws IllegalStateException if the child answers {@code ERR}, exits or stays
     * silent for {@link #HANG_GUARD}
     */
    public String reply() {
        return reply(HANG_GUARD);
    }

    /**
     * Waits up to {@code timeout} for the reply to a command sent earlier.
     * @param timeout the bound, only to turn a hang into a failure
     * @return the data of the {@code OK} reply, empty if it has none
     * @throws IllegalStateException if the child answers {@code ERR}, exits or stays
     * silent for {@code timeout}
     */
    public String reply(Duration timeout) {
        String line = awaitUnread(ChildMain::isProtocolLine, "reply", timeout);
        if (line.equals(ChildMain.OK)) {
            return "";
        }
        if (line.startsWith(ChildMain.OK + " ")) {
            return line.substring(ChildMain.OK.length() + 1);
        }
        throw new IllegalStateException("expected OK, got '" + line + "' from " + describe());
    }

    /**
     * Waits until the child printed a line starting with the prefix and returns it.
     * @param prefix the line's start
     * @return the first such line
     * @throws IllegalStateException if the child exits or stays silent for
     * {@link #HANG_GUARD} first
     */
    public String awaitLine(String prefix) {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        synchronized (stdout) {
            while (true) {
                Optional<String> line = findLine(prefix);
                if (line.isPresent()) {
                    return line.get();
                }
                if (stdoutEnded) {
                    throw new IllegalStateException("no line '" + prefix + "...' before exit: " + describe());
                }
                awaitOutput(deadline, () -> "no line '" + prefix + "...' from " + describe());
            }
        }
    }

    /**
     * Waits until the child printed a line in which the pattern is found, for children
     * whose lines carry a prefix (a Spring application's log), and returns the match.
     * @param pattern what to find in a line
     * @param timeout the bound, only to turn a hang into a failure
     * @return the match in the first such line
     * @throws IllegalStateException if the child exits or prints no such line within
     * {@code timeout}
     */
    public MatchResult awaitMatch(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (true) {
                for (String line : stdout) {
                    Matcher matcher = pattern.matcher(line);
                    if (matcher.find()) {
                        return matcher.toMatchResult();
                    }
                }
                if (stdoutEnded) {
                    throw new IllegalStateException("no line matching '" + pattern + "' before exit: " + describe());
                }
                awaitOutput(deadline,
                        () -> "no line matching '" + pattern + "' within " + timeout + " from " + describe());
            }
        }
    }

    /**
     * Waits for the next line the child prints after those this method, {@link #reply()}
     * and {@link #awaitReady()} already returned, and returns it.
     * @return the line, without terminator
     * @throws IllegalStateException if the child exits or stays silent for
     * {@link #HANG_GUARD} first
     */
    public String nextLine() {
        return awaitUnread(line -> true, "further line");
    }

    /**
     * Returns the first line starting with the prefix printed so far.
     * @param prefix the line's start
     * @return the line, or empty
     */
    public Optional<String> findLine(String prefix) {
        synchronized (stdout) {
            return stdout.stream().filter(line -> line.startsWith(prefix)).findFirst();
        }
    }

    /**
     * Returns the value after {@code prefix} in the first line that starts with it,
     * waiting for the line.
     * @param prefix the line's start, e.g. {@code "INCREMENTS "}
     * @return the rest of the line
     * @throws IllegalStateException if the child exits or stays silent for
     * {@link #HANG_GUARD} first
     */
    public String awaitValue(String prefix) {
        return awaitLine(prefix).substring(prefix.length());
    }

    /**
     * Sends one line to the child's stdin.
     * @param line the line, without terminator
     * @throws UncheckedIOException if the child no longer reads its stdin
     */
    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + describe(), e);
        }
    }

    /**
     * Waits for the child to exit and returns its exit code.
     * @return the exit code
     * @throws IllegalStateException if it still runs after {@link #HANG_GUARD}
     */
    public int awaitExit() {
        return awaitExit(HANG_GUARD);
    }

    /**
     * Waits up to {@code timeout} for the child to exit and returns its exit code.
     * @param timeout the bound, only to turn a hang into a failure
     * @return the exit code
     * @throws IllegalStateException if it still runs after {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("still running after " + timeout + ": " + describe());
            }
            return process.exitValue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Kills the child with SIGKILL, as {@code kill -9} does, and waits until it is gone.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the child with SIGSTOP and waits until every one of its threads is stopped,
     * so that it holds its locks and can do nothing more until {@link #resume()} or
     * {@link #kill()}.
     * @throws IllegalStateException if the threads do not all stop within
     * {@link #HANG_GUARD}
     */
    public void suspend() {
        signal("STOP");
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        Path tasks = Path.of("/proc/" + process.pid() + "/task");
        while (!allThreadsStopped(tasks)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("does not stop: " + describe());
            }
            Thread.onSpinWait();
        }
    }

    /** Lets a child stopped by {@link #suspend()} run again (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    /**
     * Tells whether the child is still running.
     * @return whether it has not exited
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Returns the child's process id.
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Returns the name given at the start, for messages.
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns everything the child printed, for failure messages.
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

    /**
     * Returns what the child printed so far, its stdout and then its stderr, for
     * assertions on its log.
     * @return the lines, each ended by a newline
     */
    public String output() {
        synchronized (stdout) {
            synchronized (stderr) {
                StringBuilder text = new StringBuilder();
                stdout.forEach(line -> text.append(line).append('\n'));
                return text.append(stderr).toString();
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private String awaitUnread(Predicate<String> wanted, String what) {
        return awaitUnread(wanted, what, HANG_GUARD);
    }

    /**
     * Takes the next unread line that is wanted, skipping (but keeping, for describe())
     * the others.
     */
    private String awaitUnread(Predicate<String> wanted, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (true) {
                while (linesRead < stdout.size()) {
                    String line = stdout.get(linesRead++);
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                if (stdoutEnded) {
                    throw new IllegalStateException("no " + what + " before exit: " + describe());
                }
                awaitOutput(deadline, () -> "no " + what + " within " + timeout + " from " + describe());
            }
        }
    }

    /**
     * Waits, holding the monitor of stdout, for more output or its end; fails once past
     * the deadline.
     */
    private void awaitOutput(long deadline, java.util.function.Supplier<String> failure) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException(failure.get());
        }
        try {
            TimeUnit.NANOSECONDS.timedWait(stdout, left);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed for " + describe());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Whether every thread's state (after the command name in {@code stat}) is T
     * (stopped); true once gone.
     */
    private static boolean allThreadsStopped(Path tasks) {
        List<Path> threads;
        try (Stream<Path> listing = Files.list(tasks)) {
            threads = listing.toList();
        }
        catch (NoSuchFileException processGone) {
            return true;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path thread : threads) {
            try {
                String stat = Files.readString(thread.resolve("stat"));
                if (stat.charAt(stat.lastIndexOf(')') + 2) != 'T') {
                    return false;
                }
            }
            catch (NoSuchFileException threadEnded) {
                // an ended thread cannot write any more
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
    }

    private void drain(InputStream stream, java.util.function.Consumer<String> sink, Runnable atEnd) {
        Thread drainer = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                }
            }
            catch (IOException ignored) {
                // the child is gone
            }
            finally {
                atEnd.run();
            }
        }, "drain-" + name);
        drainer.setDaemon(true);
        drainer.start();
    }

}
