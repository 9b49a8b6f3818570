package dev.filelock;

import dev.filelock.internal.LongestDuration;
import dev.filelock.internal.readwrite.CoordinatedReadWriteLock;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A cross-process, cross-host multi-reader / single-writer lock made of marker files,
 * sharing Python's {@code
 * filelock.SoftReadWriteLock} protocol byte for byte; for NFS and other shared storage
 * where the SQLite-backed {@link ReadWriteFileLock} cannot rely on {@code fcntl} locks.
 *
 * <p>
 * For a lock path {@code P} (never created itself): {@code P.write} marks a writer,
 * {@code P.readers/<32 hex>.<pid>} one reader (per JVM: every reader of one JVM shares
 * one marker), and {@code P.state} is a short-lived mutex taken for every check-and-claim
 * step. Markers hold {@code <token>\n<pid>\n<hostname>\n}, mode 0600 (the readers
 * directory 0700). While held, a marker's modification time is refreshed every heartbeat
 * interval by a daemon thread named {@code filelock-heartbeat-<marker path>}; a marker
 * not refreshed for longer than the stale threshold is taken to belong to a crashed
 * holder and may be evicted by any process on any host (clocks must agree to within the
 * threshold). A writer first claims {@code P.write}, which holds back new readers, then
 * waits for the readers to leave.
 *
 * <pre>{@code
 * SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(Path.of("/shared/models/index.lock"));
 * try (LockHold hold = lock.acquireRead(Duration.ofSeconds(30))) {
 *     // shared with other readers on every host
 * }
 * }</pre>
 *
 * <p>
 * Within a JVM it behaves exactly like the SQLite {@link ReadWriteFileLock} (reentrant
 * per mode, writer preference, upgrade and downgrade refused at once). Unlike Python
 * (3.28) it waits for the state mutex at most one poll interval per attempt, so the
 * caller's timeout holds (a single attempt, too, may wait that long for a peer inside the
 * mutex); it removes a state file left by a holder that died inside it (at once for a
 * dead process on this host, otherwise once older than the stale threshold); its
 * heartbeat outlives transient I/O errors; a marker caught refreshing while being evicted
 * is put back instead of being lost; it deletes held markers when the JVM exits normally;
 * and it refuses symbolic links at the marker paths with a {@link FileLockException}.
 * Files are only shared by processes of one user (markers are 0600, the readers directory
 * 0700): another user fails at once.
 *
 * @since 0.1
 */
public interface SoftReadWriteFileLock extends ReadWriteFileLock {

    /**
     * Returns a soft read/write lock on the given path with default options.
     * @param path the lock path; its markers are created next to it (with missing parent
     * directories)
     * @return the lock object; building it touches no file
     * @throws IllegalArgumentException if the path is empty
     */
    static SoftReadWriteFileLock of(Path path) {
        return builder(path).build();
    }

    /**
     * Returns a builder for a soft read/write lock on the given path.
     * @param path the lock path
     * @return a builder with the default options
     * @throws IllegalArgumentException if the path is empty
     */
    static Builder builder(Path path) {
        return new Builder(path);
    }

    /**
     * Builder of {@link SoftReadWriteFileLock}s; see {@link ReadWriteFileLockBuilder} for
     * the shared options.
     */
    final class Builder extends ReadWriteFileLockBuilder<Builder, SoftReadWriteFileLock> {

        private static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

        private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

        private static final int DEFAULT_STALE_HEARTBEATS = 3;

        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

        private @Nullable Duration staleThreshold;

        Builder(Path path) {
            super(path, DEFAULT_POLL_INTERVAL);
        }

        /**
         * Sets how often a held marker's modification time is refreshed (default 30 s, as
         * in Python).
         * @param heartbeatInterval a positive duration; one longer than 36,500 days
         * counts as 36,500 days
         * @return this builder
         * @throws IllegalArgumentException if the interval is zero or negative
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = LongestDuration.saturated(positive(heartbeatInterval, "heartbeatInterval"));
            return this;
        }

        /**
         * Sets how long a marker may go unrefreshed before any process may evict it as
         * the marker of a crashed holder (default three heartbeat intervals, as in
         * Python). Every process sharing the lock should use the same value.
         * @param staleThreshold a duration longer than the heartbeat interval; one longer
         * than 36,500 days counts as 36,500 days (once checked against the heartbeat
         * interval)
         * @return this builder
         * @throws IllegalArgumentException if the threshold is zero or negative
         */
        public Builder staleThreshold(Duration staleThreshold) {
            this.staleThreshold = positive(staleThreshold, "staleThreshold");
            return this;
        }

        /**
         * Builds the lock object; building touches no file. In one JVM, every lock object
         * on a path shares the timing options of the first one used.
         * @return the lock
         * @throws IllegalArgumentException if the stale threshold does not exceed the
         * heartbeat interval
         */
        @Override
        public SoftReadWriteFileLock build() {
            Duration stale = staleThreshold != null ? staleThreshold
                    : heartbeatInterval.multipliedBy(DEFAULT_STALE_HEARTBEATS);
            if (stale.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException(
                        "staleThreshold must exceed heartbeatInterval (" + stale + " <= " + heartbeatInterval + ")");
            }
            return CoordinatedReadWriteLock.ofSoft(path, options(), heartbeatInterval,
                    LongestDuration.saturated(stale));
        }

    }

}
