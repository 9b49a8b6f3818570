package dev.filelock.internal.soft;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one held marker alive: a daemon thread named
 * {@code filelock-heartbeat-<marker path>} that sets the marker's modification time every
 * heartbeat interval, so peers never judge a live holder stale. It runs exactly as long
 * as the hold: {@link #stop()} ends it and waits for it.
 *
 * <p>
 * A failed refresh (an NFS hiccup) is retried at the next beat instead of ending the
 * heartbeat as Python 3.28 does; only a marker that now carries another token ends it,
 * because then the hold is lost for good.
 */
final class MarkerHeartbeat {

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    private final SoftReadWriteProtocol protocol;

    private final Path marker;

    private final MarkerRecord record;

    private final long intervalNanos;

    private final CountDownLatch stopped = new CountDownLatch(1);

    private final Thread thread;

    private MarkerHeartbeat(SoftReadWriteProtocol protocol, Path marker, MarkerRecord record, Duration interval) {
        this.protocol = protocol;
        this.marker = marker;
        this.record = record;
        this.intervalNanos = interval.toNanos();
        this.thread = new Thread(this::beat, "filelock-heartbeat-" + marker);
        this.thread.setDaemon(true);
    }

    /** Starts the heartbeat of a freshly created marker. */
    static MarkerHeartbeat start(SoftReadWriteProtocol protocol, Path marker, MarkerRecord record, Duration interval) {
        MarkerHeartbeat heartbeat = new MarkerHeartbeat(protocol, marker, record, interval);
        heartbeat.thread.start();
        return heartbeat;
    }

    /**
     * Ends the heartbeat and waits for its thread (at most one interval more, in case a
     * refresh hangs on a dead server; a late refresh re-reads the marker first, so it
     * never touches a successor's).
     */
    void stop() {
        stopped.countDown();
        if (Thread.currentThread() == thread) {
            return;
        }
        long deadline = System.nanoTime() + intervalNanos + TimeUnit.SECONDS.toNanos(1);
        boolean interrupted = false;
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat() {
        try {
            while (!stopped.await(intervalNanos, TimeUnit.NANOSECONDS)) {
                if (!refreshOnce()) {
                    return;
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean refreshOnce() {
        try {
            if (protocol.refresh(marker, record) == SoftReadWriteProtocol.Refresh.LOST) {
                LOG.log(Level.WARNING, "Marker {0} now belongs to another holder; this hold was evicted as stale",
                        marker);
                return false;
            }
        }
        catch (IOException | RuntimeException transientFailure) {
            LOG.log(Level.DEBUG, "Heartbeat of " + marker + " failed; retrying at the next beat", transientFailure);
        }
        return true;
    }

}
