package dev.filelock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pauses between attempts at a lock held elsewhere: the first pause is short, so a lock freed quickly is taken
 * quickly, and each pause doubles up to the poll interval, so a long wait costs no more than Python's fixed poll.
 */
final class PollBackoff {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long maxPauseNanos;
    private long nextPauseNanos;

    PollBackoff(Duration maxPause) {
        this.maxPauseNanos = Math.max(1, maxPause.toNanos());
        this.nextPauseNanos = Math.min(FIRST_PAUSE_NANOS, maxPauseNanos);
    }

    /**
     * Sleeps before the next attempt, never past the deadline.
     *
     * @return false, without sleeping, once the deadline has passed
     * @throws InterruptedException if the thread is interrupted while sleeping
     */
    boolean pause(Deadline deadline) throws InterruptedException {
        long remaining = deadline.remainingNanos();
        if (remaining <= 0) {
            return false;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(nextPauseNanos, remaining));
        nextPauseNanos = Math.min(nextPauseNanos * 2, maxPauseNanos);
        return true;
    }
}
