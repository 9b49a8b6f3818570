package dev.filelock.benchmarks;

import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The contended-throughput run: two child JVMs with two threads each increment one
 * counter file under the lock for a fixed time; the run reports increments per second and
 * how many updates were lost (the counter against the sum of the increments the threads
 * report).
 */
final class Contention {

    private static final int PROCESSES = 2;

    private static final int THREADS_PER_PROCESS = 2;

    private final Path workDir;

    private final int seconds;

    private int runs;

    Contention(Path workDir, int seconds) {
        this.workDir = workDir;
        this.seconds = seconds;
    }

    /** One run's outcome. */
    record Result(double opsPerSecond, long lostUpdates, String perThread) {
    }

    Result run(Exclusive.Kind kind) throws IOException {
        runs++;
        Path lock = workDir.resolve("contend-" + runs + ".lock");
        Path counter = workDir.resolve("contend-" + runs + ".counter");
        Files.write(counter, ContentionWorker.encode(0));
        List<ChildProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                ChildProcess child = Children.java("contend-" + kind.id(), "contend", kind.id(), lock.toString(),
                        counter.toString(), Integer.toString(THREADS_PER_PROCESS), Integer.toString(seconds));
                children.add(child);
                child.awaitReady();
            }
            children.forEach(child -> child.send("go"));
            long increments = 0;
            List<String> perThread = new ArrayList<>();
            for (ChildProcess child : children) {
                String[] counts = child.reply().split(" ");
                increments += Long.parseLong(counts[0]);
                perThread.add(String.join("+", Arrays.copyOfRange(counts, 1, counts.length)));
            }
            long counted = Long.parseLong(Files.readString(counter, StandardCharsets.US_ASCII).trim());
            return new Result((double) increments / seconds, increments - counted, String.join(" / ", perThread));
        }
        finally {
            children.forEach(Children::stop);
        }
    }

}
