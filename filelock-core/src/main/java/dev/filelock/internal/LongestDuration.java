package dev.filelock.internal;

import java.time.Duration;

/**
 * The one rule for very long duration options of every builder: a duration longer than
 * {@link #MAX} (about 100 years, in practice "never") counts as {@code MAX}, so
 * {@code ChronoUnit.FOREVER.getDuration()} is accepted and waits, polls or expires never,
 * instead of overflowing the nanosecond arithmetic of a later acquisition.
 */
public final class LongestDuration {

    /**
     * 36,500 days: far below the 292 years a {@code long} of nanoseconds holds, so
     * doubling it cannot overflow.
     */
    public static final Duration MAX = Duration.ofDays(36_500);

    private LongestDuration() {
    }

    /** The duration, or {@link #MAX} if it is longer. */
    public static Duration saturated(Duration duration) {
        return duration.compareTo(MAX) > 0 ? MAX : duration;
    }

}
