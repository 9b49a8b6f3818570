package dev.filelock.internal.soft;

import dev.filelock.internal.ReadWriteBackendWait;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Takes and gives back this JVM's one OS-level hold on a soft read/write lock: waits for
 * a reader marker or runs the two-phase writer acquisition, retrying at the pace of a
 * {@link ReadWriteBackendWait}, and keeps the held marker alive with a heartbeat.
 */
public final class SoftReadWriteMarkers {

    private final SoftReadWriteProtocol protocol;

    private final Duration heartbeatInterval;

    SoftReadWriteMarkers(Path canonicalPath, Path path, Duration heartbeatInterval, Duration staleThreshold,
            Duration pollInterval) {
        this.protocol = new SoftReadWriteProtocol(canonicalPath, path, staleThreshold, pollInterval);
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * A held marker with its heartbeat; {@link #release()} stops the heartbeat, then
     * deletes the marker.
     */
    final class Held {

        private final Path marker;

        private final MarkerRecord record;

        private final MarkerHeartbeat heartbeat;

        private final Runnable deleteAtExit;

        private Held(Path marker, MarkerRecord record) {
            this.marker = marker;
            this.record = record;
            this.deleteAtExit = () -> protocol.release(marker, record);
            this.heartbeat = MarkerHeartbeat.start(protocol, marker, record, heartbeatInterval);
            MarkersAtExit.remember(deleteAtExit);
        }

        Path marker() {
            return marker;
        }

        void release() {
            MarkersAtExit.forget(deleteAtExit);
            heartbeat.stop();
            protocol.release(marker, record);
        }

    }

    /**
     * Takes a reader marker, retrying while a writer holds or waits.
     * @param wait paces the retries and tells when to give up
     * @return the hold, or null if the wait ended first
     */
    @Nullable Held acquireRead(ReadWriteBackendWait wait) {
        Path marker = protocol.newReaderMarker();
        MarkerRecord record = MarkerRecord.forThisProcess();
        while (!protocol.tryClaimRead(marker, record)) {
            if (!wait.pause()) {
                return null;
            }
        }
        return startedOrReleased(marker, record);
    }

    /**
     * Claims the write marker, which holds back new readers, then waits for the readers
     * to leave (a single-attempt wait tries each phase once). If the wait ends or
     * anything fails in between, the claim is given back.
     * @param wait paces the retries and tells when to give up
     * @return the hold, or null if the wait ended first
     */
    @Nullable Held acquireWrite(ReadWriteBackendWait wait) {
        while (true) {
            MarkerRecord record = MarkerRecord.forThisProcess();
            while (!protocol.tryClaimWrite(record)) {
                if (!wait.pause()) {
                    return null;
                }
            }
            // The heartbeat starts with the claim: a long drain must not let peers judge
            // our claim stale.
            Held claim = startedOrReleased(protocol.writeMarker(), record);
            boolean drained = false;
            try {
                SoftReadWriteProtocol.Drain drain;
                while ((drain = protocol.drainReaders(record)) == SoftReadWriteProtocol.Drain.WAIT) {
                    if (!wait.pause()) {
                        return null;
                    }
                }
                drained = drain == SoftReadWriteProtocol.Drain.DRAINED;
            }
            finally {
                if (!drained) {
                    claim.release();
                }
            }
            if (drained) {
                return claim;
            }
            // Our claim was evicted while we waited (we stalled past the stale
            // threshold): claim afresh.
            if (!wait.pause()) {
                return null;
            }
        }
    }

    private Held startedOrReleased(Path marker, MarkerRecord record) {
        try {
            return new Held(marker, record);
        }
        catch (RuntimeException | Error cannotStartThread) {
            protocol.release(marker, record);
            throw cannotStartThread;
        }
    }

}
