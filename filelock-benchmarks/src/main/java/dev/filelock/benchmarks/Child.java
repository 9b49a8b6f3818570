package dev.filelock.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the child JVMs the cross-process rows start: {@code handoff}, {@code jdbc-handoff}, {@code contend}, {@code wait-cpu} or
 * {@code registry}, each talking to the parent through one-line commands on stdin and answers on stdout.
 */
public final class Child {

    private Child() {
    }

    /**
     * Runs one child role.
     *
     * @param args the role followed by its arguments
     * @throws Exception if the role fails; the parent sees the child exit and reports its stderr
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: Child handoff|contend|wait-cpu|registry <arguments>");
        }
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "handoff" -> {
                try (Exclusive lock = Exclusive.open(Exclusive.Kind.parse(rest[0]), Path.of(rest[1]))) {
                    handoff(lock, commands);
                }
            }
            case "jdbc-handoff" -> {
                try (JdbcClient client = JdbcClient.open(JdbcClient.Kind.parse(rest[0]), rest[1], Path.of(rest[2]),
                        rest[3])) {
                    handoff(client.lock(), commands);
                }
            }
            case "contend" -> ContentionWorker.run(rest, commands);
            case "wait-cpu" -> WaitCpuWorker.run(rest, commands);
            case "registry" -> RegistryWorker.run(rest);
            default -> throw new IllegalArgumentException("unknown child role " + args[0]);
        }
        System.exit(0);
    }

    /**
     * Handoff agent: {@code acquire} blocks until held and answers {@code acquired <nanoTime after>}; {@code release}
     * answers {@code released <nanoTime before>}. Both stamps are CLOCK_MONOTONIC, comparable across processes.
     */
    private static void handoff(Exclusive lock, BufferedReader commands) throws IOException {
        System.out.println("ready");
        for (String command = commands.readLine(); command != null; command = commands.readLine()) {
            switch (command) {
                case "acquire" -> {
                    lock.lock();
                    long acquired = System.nanoTime();
                    System.out.println("acquired " + acquired);
                }
                case "release" -> {
                    long released = System.nanoTime();
                    lock.unlock();
                    System.out.println("released " + released);
                }
                case "quit" -> {
                    return;
                }
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
    }
}
