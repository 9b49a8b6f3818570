package dev.filelock.benchmarks;

import java.time.Duration;
import java.util.Locale;

/**
 * How long each part of the suite runs: {@code full} gives the published figures (under
 * 10 minutes), {@code quick} (under 2 minutes) only proves that every row still produces
 * a figure.
 *
 * @param jmhForks forks per JMH method and round: 1, or 0 (in this JVM, no warm-up
 * isolation) for the smoke test
 * @param jmhRounds JMH runs of the whole set, one fork per method each, so that each
 * method's forks are spread over the run (interleaved with its anchor's) instead of back
 * to back
 * @param jmhWarmups JMH warm-up iterations per fork
 * @param jmhIterations JMH measured iterations per fork
 * @param jmhIterationTime length of one JMH iteration
 * @param handoffSamples measured handoffs per pair (after a few unmeasured ones)
 * @param minHoldMillis shortest time a holder keeps the lock while the other party waits
 * @param maxHoldMillis longest such time
 * @param contentionSeconds length of one contended-throughput run
 * @param contentionRuns contended runs per variant, interleaved
 * @param waitSeconds how long the waiting thread waits in the CPU row
 * @param registryKeys distinct keys obtained from the registry
 * @param pendingFutures {@code acquireAsync} futures left pending on contended paths
 * @param foreignTrials waits of a foreign process per waiter kind under local contention
 * @param foreignCap longest such wait before the local contention is stopped so the
 * waiter gets the lock (the trial then counts as at least this long)
 */
record RunMode(String name, int jmhForks, int jmhRounds, int jmhWarmups, int jmhIterations, Duration jmhIterationTime,
        int handoffSamples, int minHoldMillis, int maxHoldMillis, int contentionSeconds, int contentionRuns,
        int waitSeconds, int registryKeys, int pendingFutures, int foreignTrials, Duration foreignCap) {

    static final RunMode FULL = new RunMode("full", 1, 3, 2, 3, Duration.ofMillis(800), 100, 20, 70, 5, 3, 10,
            1_000_000, 10_000, 20, Duration.ofSeconds(5));

    static final RunMode QUICK = new RunMode("quick", 0, 1, 1, 1, Duration.ofMillis(100), 6, 5, 15, 1, 1, 1, 5_000,
            1_000, 4, Duration.ofSeconds(1));

    static RunMode parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "full" -> FULL;
            case "quick" -> QUICK;
            default -> throw new IllegalArgumentException("Unknown mode '" + name + "': use 'full' or 'quick'.");
        };
    }

    boolean isQuick() {
        return this == QUICK;
    }
}
