package dev.filelock.benchmarks;

import java.util.Locale;

/** Formats figures for the table: durations from nanoseconds, ratios, rates. */
final class Units {

    private Units() {
    }

    /**
     * A duration given in nanoseconds, in the unit that keeps three significant figures
     * readable.
     */
    static String duration(double nanos) {
        if (!Double.isFinite(nanos)) {
            return "n/a";
        }
        if (nanos < 1_000) {
            return format("%.1f ns", nanos);
        }
        if (nanos < 1_000_000) {
            return format("%.2f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return format("%.2f ms", nanos / 1e6);
        }
        return format("%.2f s", nanos / 1e9);
    }

    static String ratio(double ratio) {
        return Double.isFinite(ratio) ? format("%.2fx", ratio) : "n/a";
    }

    static String perSecond(double opsPerSecond) {
        return format("%,.0f ops/s", opsPerSecond);
    }

    static String percent(double fraction) {
        return format("%.3f%%", fraction * 100);
    }

    /** A latency sample as {@code median x, p99 y}. */
    static String medianAndP99(Stats stats) {
        return "median " + duration(stats.median()) + ", p99 " + duration(stats.percentile(99));
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

}
