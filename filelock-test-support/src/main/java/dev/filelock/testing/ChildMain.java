package dev.filelock.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The child's side of the one child protocol: the command loop every child main of the
 * tests and benchmarks runs.
 *
 * <p>
 * The child registers one handler per command, then {@link #run()} prints {@code READY}
 * and reads commands from stdin, one a line: a name and space-separated arguments. Each
 * command gets exactly one reply line, {@code OK} or {@code OK <data>} with what the
 * handler returned, or {@code ERR <reason>} (the exception's class and message on one
 * line) if it threw; the loop goes on after an {@code ERR}. {@code quit} (answered
 * {@code OK}) or the end of stdin ends the loop. Handlers run one at a time on the
 * calling thread, so a command that blocks (an acquisition) delays the next; timestamps
 * and figures travel in the reply's data. Any other output (logging) may share stdout:
 * the driver, {@link ChildProcess}, skips lines that are not protocol lines.
 *
 * <p>
 * A child that is told nothing (it runs one scenario and ends) needs no loop: it prints
 * report lines {@code KEY
 * value}, which the driver reads with {@link ChildProcess#awaitValue}, and exits; its
 * exit code is its verdict.
 */
public final class ChildMain {

    /** The line a child prints once it reads commands. */
    public static final String READY = "READY";

    /** The start of a successful reply. */
    public static final String OK = "OK";

    /** The start of a failed reply, followed by the reason. */
    public static final String ERR = "ERR";

    /** The command that ends the loop. */
    public static final String QUIT = "quit";

    /**
     * What a command does, given its arguments; returns the reply's data, or {@code null}
     * for a bare {@code OK}.
     */
    @FunctionalInterface
    public interface Handler {

        /**
         * Runs the command.
         * @param args the arguments after the command's name
         * @return the reply's data, or {@code null} for none
         * @throws Exception any failure, answered as {@code ERR}
         */
        @Nullable Object handle(List<String> args) throws Exception;

    }

    private final Map<String, Handler> handlers = new LinkedHashMap<>();

    private final PrintStream out;

    private ChildMain(PrintStream out) {
        this.out = out;
    }

    /**
     * Creates a command loop replying on this JVM's {@code System.out}.
     * @return a loop without handlers
     */
    public static ChildMain create() {
        return new ChildMain(System.out);
    }

    /**
     * Registers the handler of a command.
     * @param command the command's name, without spaces
     * @param handler what it does
     * @return this loop
     * @throws IllegalArgumentException if the name is taken, is {@code quit} or contains
     * a space
     */
    public ChildMain on(String command, Handler handler) {
        if (command.isEmpty() || command.contains(" ") || command.equals(QUIT) || handlers.containsKey(command)) {
            throw new IllegalArgumentException("command name taken or invalid: '" + command + "'");
        }
        handlers.put(command, handler);
        return this;
    }

    /**
     * Prints {@code READY} and answers commands from stdin until {@code quit} or the end
     * of stdin.
     * @throws UncheckedIOException if stdin cannot be read
     */
    public void run() {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        print(READY);
        try {
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                if (line.equals(QUIT)) {
                    print(OK);
                    return;
                }
                print(answer(line));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Tells whether a line of a child's stdout belongs to the protocol.
     * @param line the line
     * @return whether it is {@code READY}, an {@code OK} or an {@code ERR} line
     */
    public static boolean isProtocolLine(String line) {
        return line.equals(READY) || line.equals(OK) || line.startsWith(OK + " ") || line.startsWith(ERR + " ");
    }

    private String answer(String line) {
        List<String> words = Arrays.asList(line.trim().split(" +"));
        Handler handler = handlers.get(words.get(0));
        if (handler == null) {
            return ERR + " unknown command '" + words.get(0) + "'; known: " + handlers.keySet();
        }
        try {
            Object data = handler.handle(words.subList(1, words.size()));
            return data == null ? OK : OK + " " + oneLine(data.toString());
        }
        catch (Exception | AssertionError failure) {
            return ERR + " " + oneLine(failure.toString());
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

}
