package dev.filelock.benchmarks;

import dev.filelock.testing.ChildMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Entry point of the child JVMs the cross-process rows start: {@code handoff},
 * {@code jdbc-handoff}, {@code contend}, {@code wait-cpu}, {@code registry},
 * {@code pending-futures} or {@code local-contend}, each speaking the one child protocol
 * of the project ({@link ChildMain}: commands on stdin, {@code
 * READY} and one {@code OK <figures>} reply per command on stdout), driven by
 * {@link dev.filelock.testing.ChildProcess}.
 */
public final class Child {

    /** Uncontended pairs a handoff child runs before it answers (JIT warm-up). */
    static final int WARM_UP_PAIRS = 20_000;

    private Child() {
    }

    /**
     * Runs one child role.
     * @param args the role followed by its arguments
     * @throws Exception if the role fails; the parent sees the child exit and reports its
     * stderr
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException(
                    "usage: Child handoff|jdbc-handoff|contend|wait-cpu|registry|pending-futures|local-contend <arguments>");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "handoff" -> {
                Exclusive.Kind kind = Exclusive.Kind.parse(rest[0]);
                Path path = Path.of(rest[1]);
                warmUp(kind, path);
                try (Exclusive lock = Exclusive.open(kind, path)) {
                    handoff(lock).run();
                }
            }
            case "jdbc-handoff" -> {
                try (JdbcClient client = JdbcClient.open(JdbcClient.Kind.parse(rest[0]), rest[1], Path.of(rest[2]),
                        rest[3])) {
                    handoff(client.lock()).run();
                }
            }
            case "contend" -> ContentionWorker.run(rest);
            case "wait-cpu" -> WaitCpuWorker.run(rest);
            case "registry" -> RegistryWorker.run(rest);
            case "pending-futures" -> PendingFuturesWorker.run(rest);
            case "local-contend" -> LocalContentionWorker.run(rest);
            default -> throw new IllegalArgumentException("unknown child role " + args[0]);
        }
        System.exit(0);
    }

    /**
     * Runs {@link #WARM_UP_PAIRS} uncontended acquire + release pairs of the kind on a
     * file of this process's own next to the path, so that the handoff measures compiled
     * code (a child otherwise runs its lock path only about fifty times, below the JIT's
     * thresholds), as JMH's warm-up iterations do; the anchors' children do the same.
     */
    private static void warmUp(Exclusive.Kind kind, Path path) throws IOException {
        Path file = path.resolveSibling(path.getFileName() + ".warm-up-" + ProcessHandle.current().pid());
        try (Exclusive lock = Exclusive.open(kind, file)) {
            for (int pair = 0; pair < WARM_UP_PAIRS; pair++) {
                lock.lock();
                lock.unlock();
            }
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Handoff agent: {@code acquire} blocks until held and answers
     * {@code OK <nanoTime after>}; {@code release} answers {@code OK <nanoTime before>}.
     * Both stamps are CLOCK_MONOTONIC, comparable across processes; they are taken in the
     * handler, so the protocol's own work falls outside the measured interval.
     */
    private static ChildMain handoff(Exclusive lock) {
        return ChildMain.create().on("acquire", ignored -> {
            lock.lock();
            return System.nanoTime();
        }).on("release", ignored -> {
            long released = System.nanoTime();
            lock.unlock();
            return released;
        });
    }

}
