package dev.filelock.internal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Paces one OS-level wait of a {@link ReadWriteBackend}: adaptive polling that starts at
 * 50 µs and grows with the time already waited (one twentieth of it) up to the poll
 * interval, so a short wait ends within a few percent of its length while a long one
 * costs a few wake-ups per second.
 */
public final class ReadWriteBackendWait {

    private static final long MIN_PAUSE_NANOS = 50_000;

    private static final int ELAPSED_FRACTION = 20;

    private final Deadline deadline;

    private final long maxPauseNanos;

    private final BooleanSupplier abandoned;

    private final long startNanos = System.nanoTime();

    public ReadWriteBackendWait(Deadline deadline, Duration pollInterval, BooleanSupplier abandoned) {
        this.deadline = deadline;
        this.maxPauseNanos = Math.max(MIN_PAUSE_NANOS, pollInterval.toNanos());
        this.abandoned = abandoned;
    }

    /**
     * Pauses before the next attempt.
     * @return false, without pausing, when the wait must end instead: the deadline has
     * passed, the thread is interrupted (its status is kept), or the waiter was abandoned
     * (lock closed, future cancelled)
     */
    public boolean pause() {
        return pause(ELAPSED_FRACTION);
    }

    /**
     * Pauses before the next attempt, for a backend whose failed attempts cost so little
     * that it retries more often: the pause grows to {@code 1/elapsedFraction} of the
     * time waited (up to the poll interval) instead of a twentieth.
     * @param elapsedFraction the divisor of the time waited; values below twenty count as
     * twenty
     * @return as {@link #pause()}
     */
    public boolean pause(int elapsedFraction) {
        if (mustStop()) {
            return false;
        }
        long remaining = deadline.remainingNanos();
        if (remaining <= 0) {
            return false;
        }
        long elapsed = System.nanoTime() - startNanos;
        long pause = Math.min(Math.max(elapsed / Math.max(elapsedFraction, ELAPSED_FRACTION), MIN_PAUSE_NANOS),
                maxPauseNanos);
        LockSupport.parkNanos(this, Math.min(pause, remaining));
        // One more attempt is due even at the deadline: the holder may have left during
        // the pause.
        return !mustStop();
    }

    private boolean mustStop() {
        return Thread.currentThread().isInterrupted() || abandoned.getAsBoolean();
    }

}
