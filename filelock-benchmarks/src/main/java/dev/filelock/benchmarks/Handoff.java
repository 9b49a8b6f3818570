package dev.filelock.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures handoff latency as locking-facts.md §5d does: A holds, B is told to acquire
 * and waits, after a random hold A stamps {@code t_rel} and releases, B stamps
 * {@code t_acq} as soon as it holds; the latency is {@code t_acq -
 * t_rel}. The roles swap every sample, and the pairs being compared take turns sample by
 * sample, so machine noise hits them alike.
 */
final class Handoff {

    private static final int WARM_UP_SAMPLES = 4;

    private Handoff() {
    }

    /** Two agents on the same lock, measured under one label. */
    record Pair(String label, Agent first, Agent second) {
    }

    /** The latencies in nanoseconds per pair label, in the pairs' order. */
    record Results(Map<String, Stats> byLabel) {

        /**
         * The latencies of the pair with this label; a label that no pair has is a bug of
         * the row.
         */
        Stats get(String label) {
            Stats stats = byLabel.get(label);
            if (stats == null) {
                throw new IllegalArgumentException("no handoff pair is labelled '" + label + "': " + byLabel.keySet());
            }
            return stats;
        }
    }

    /**
     * Runs {@code samples} measured handoffs per pair (after a few unmeasured ones) with
     * holds drawn uniformly from [{@code minHoldMicros}, {@code maxHoldMicros}].
     * @return the latencies in nanoseconds per pair label, in the pairs' order
     */
    static Results measure(List<Pair> pairs, int samples, long minHoldMicros, long maxHoldMicros) {
        Random random = new Random(8);
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        pairs.forEach(pair -> latencies.put(pair.label(), new ArrayList<>()));
        for (int i = 0; i < WARM_UP_SAMPLES + samples; i++) {
            for (Pair pair : pairs) {
                boolean firstHolds = i % 2 == 0;
                long hold = minHoldMicros + (long) (random.nextDouble() * (maxHoldMicros - minHoldMicros));
                long latency = handoffOnce(firstHolds ? pair.first() : pair.second(),
                        firstHolds ? pair.second() : pair.first(), hold);
                if (i >= WARM_UP_SAMPLES) {
                    latencies.computeIfAbsent(pair.label(), label -> new ArrayList<>()).add(latency);
                }
            }
        }
        Map<String, Stats> stats = new LinkedHashMap<>();
        latencies.forEach((label, values) -> stats.put(label, Stats.of(values)));
        return new Results(stats);
    }

    private static long handoffOnce(Agent holder, Agent waiter, long holdMicros) {
        holder.send("acquire");
        holder.replyNanos();
        waiter.send("acquire");
        sleepMicros(holdMicros);
        holder.send("release");
        long released = holder.replyNanos();
        long acquired = waiter.replyNanos();
        waiter.send("release");
        waiter.replyNanos();
        return acquired - released;
    }

    /** Sleeps at least the given time (a bare {@code parkNanos} may return early). */
    static void sleepMicros(long micros) {
        long end = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

}
