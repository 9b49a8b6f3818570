package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Takes and gives back this JVM's one OS-level hold on a soft read/write lock: waits for a reader marker or runs the
 * two-phase writer acquisition, polling with back-off up to the poll interval, and keeps the held marker alive with a
 * heartbeat.
 */
final class SoftReadWriteMarkers {

    private final SoftReadWriteProtocol protocol;
    private final Duration heartbeatInterval;
    private final Duration pollInterval;

    SoftReadWriteMarkers(Path lockPath, Duration heartbeatInterval, Duration staleThreshold, Duration pollInterval) {
        this.protocol = new SoftReadWriteProtocol(lockPath, staleThreshold, pollInterval);
        this.heartbeatInterval = heartbeatInterval;
        this.pollInterval = pollInterval;
    }

    /** A held marker with its heartbeat; {@link #release()} stops the heartbeat, then deletes the marker. */
    final class Held {

        private final Path marker;
        private final MarkerRecord record;
        private final MarkerHeartbeat heartbeat;

        private Held(Path marker, MarkerRecord record) {
            this.marker = marker;
            this.record = record;
            this.heartbeat = MarkerHeartbeat.start(protocol, marker, record, heartbeatInterval);
        }

        Path marker() {
            return marker;
        }

        void release() {
            heartbeat.stop();
            protocol.release(marker, record);
        }
    }

    /**
     * Waits for a reader marker until the deadline (an expired deadline makes one attempt).
     *
     * @return the hold, or null on timeout
     */
    @Nullable Held acquireRead(Deadline deadline) throws InterruptedException {
        Path marker = protocol.newReaderMarker();
        MarkerRecord record = MarkerRecord.forThisProcess();
        PollBackoff backoff = new PollBackoff(pollInterval);
        while (!protocol.tryClaimRead(marker, record, deadline)) {
            if (!backoff.pause(deadline)) {
                return null;
            }
        }
        return startedOrReleased(marker, record);
    }

    /**
     * Claims the write marker, which holds back new readers, then waits for the readers to leave, until the deadline
     * (an expired deadline tries each phase once). On timeout, interruption or failure the claim is given back.
     *
     * @return the hold, or null on timeout
     */
    @Nullable Held acquireWrite(Deadline deadline) throws InterruptedException {
        PollBackoff backoff = new PollBackoff(pollInterval);
        while (true) {
            MarkerRecord record = MarkerRecord.forThisProcess();
            while (!protocol.tryClaimWrite(record, deadline)) {
                if (!backoff.pause(deadline)) {
                    return null;
                }
            }
            // The heartbeat starts with the claim: a long drain must not let peers judge our claim stale.
            Held claim = startedOrReleased(protocol.writeMarker(), record);
            boolean done = false;
            try {
                SoftReadWriteProtocol.Drain drain;
                PollBackoff drainBackoff = new PollBackoff(pollInterval);
                while ((drain = protocol.drainReaders(record, deadline)) == SoftReadWriteProtocol.Drain.WAIT) {
                    if (!drainBackoff.pause(deadline)) {
                        return null;
                    }
                }
                if (drain == SoftReadWriteProtocol.Drain.DRAINED) {
                    done = true;
                    return claim;
                }
            } finally {
                if (!done) {
                    claim.release();
                }
            }
            if (deadline.isExpired()) {
                return null;
            }
        }
    }

    private Held startedOrReleased(Path marker, MarkerRecord record) {
        try {
            return new Held(marker, record);
        } catch (RuntimeException | Error cannotStartThread) {
            protocol.release(marker, record);
            throw cannotStartThread;
        }
    }
}
