package dev.filelock.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample (nearest-rank). */
final class Stats {

    private final double[] sorted;

    private Stats(double[] sorted) {
        this.sorted = sorted;
    }

    static Stats of(List<? extends Number> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] copy = values.stream().mapToDouble(Number::doubleValue).toArray();
        Arrays.sort(copy);
        return new Stats(copy);
    }

    double median() {
        return percentile(50);
    }

    /** The nearest-rank percentile, {@code p} in (0, 100]. */
    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    int count() {
        return sorted.length;
    }

}
