package dev.filelock.internal;

import java.time.Duration;

/**
 * When a wait must end: never (a negative timeout), after one attempt (zero), or at a
 * point on the monotonic clock.
 */
public final class Deadline {

    private static final Deadline FOREVER = new Deadline(Long.MAX_VALUE, true, Duration.ofMillis(-1));

    private final long endNanos;

    private final boolean forever;

    private final Duration timeout;

    private Deadline(long endNanos, boolean forever, Duration timeout) {
        this.endNanos = endNanos;
        this.forever = forever;
        this.timeout = timeout;
    }

    /**
     * A negative timeout waits forever, zero expires at once (one attempt), a positive
     * one ends that much later.
     */
    public static Deadline after(Duration timeout) {
        if (timeout.isNegative()) {
            return FOREVER;
        }
        long nanos = saturatedNanos(timeout);
        long now = System.nanoTime();
        long end = now + nanos;
        return end < now ? FOREVER : new Deadline(end, false, timeout);
    }

    public static Deadline forever() {
        return FOREVER;
    }

    /**
     * The timeout this deadline was made from, for messages; negative when waiting
     * forever.
     */
    public Duration timeout() {
        return timeout;
    }

    public boolean isForever() {
        return forever;
    }

    /**
     * Nanoseconds left, {@code Long.MAX_VALUE} when waiting forever, zero or less once
     * expired.
     */
    public long remainingNanos() {
        return forever ? Long.MAX_VALUE : endNanos - System.nanoTime();
    }

    public boolean isExpired() {
        return !forever && endNanos - System.nanoTime() <= 0;
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        }
        catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

}
