package dev.filelock;

import dev.filelock.internal.LongestDuration;
import dev.filelock.internal.exclusive.ExclusiveFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An existence-based lock: the lock is held while the file exists, created with
 * {@code O_CREAT|O_EXCL} and holding {@code <pid>\n<hostname>\n}, exactly as Python's
 * {@code filelock.SoftFileLock} writes it; for filesystems where {@code flock} does not
 * work (some NFS and FUSE mounts).
 *
 * <p>
 * A lock left by a process that died on this host is reclaimed, also when its pid was
 * reused since (the start token Python 3.29 and later records as a third line is
 * checked); so is an empty or unparsable lock file (a holder killed between creating and
 * writing it) that is older than a few seconds and open in no process on this host. A
 * live holder's lock is never broken: while held, the file's modification time is
 * refreshed every second by one shared daemon thread ({@code filelock-soft-heartbeat}),
 * and no file modified within the last 4 seconds is broken whatever its pid says, which
 * also protects a Java holder in another PID namespace with the same host name. A FIFO,
 * socket or device at the path fails the acquisition at once with
 * {@link FileLockException} and is left alone.
 *
 * @since 0.1
 */
public interface SoftFileLock extends FileLock {

    /**
     * Returns a soft lock on the given path with default options.
     * @param path the lock file
     * @return the lock object; building it touches no file
     * @throws IllegalArgumentException if the path is empty
     */
    static SoftFileLock of(Path path) {
        return builder(path).build();
    }

    /**
     * Returns a builder for a soft lock on the given path.
     * @param path the lock file
     * @return a builder with the default options
     * @throws IllegalArgumentException if the path is empty
     */
    static Builder builder(Path path) {
        return new Builder(path);
    }

    /**
     * Reads the holder recorded in the lock file, whoever holds it.
     * @return the recorded holder, or empty when the file is missing or unreadable as a
     * record
     */
    Optional<LockOwner> owner();

    /** A holder recorded in a soft lock file. */
    interface LockOwner {

        /**
         * Returns the holder's process id.
         * @return the pid
         */
        long pid();

        /**
         * Returns the holder's host name.
         * @return the host name, empty if the record has none
         */
        String hostname();

        /**
         * Tells whether the holder is this process on this host.
         * @return whether this process holds the lock
         */
        boolean isCurrentProcess();

    }

    /**
     * Builder of {@link SoftFileLock}s; see {@link FileLockBuilder} for the shared
     * options.
     */
    final class Builder extends FileLockBuilder<Builder, SoftFileLock> {

        private @Nullable Duration lifetime;

        Builder(Path path) {
            super(path);
        }

        /**
         * Sets an age after which an existing lock file counts as abandoned and is
         * broken, whether or not its holder still runs (Python's {@code lifetime}); by
         * default a lock never expires. A lock with a lifetime is not refreshed while
         * held (its age is its expiry), so its holder relies on its pid alone against
         * peers that break locks of dead holders.
         * @param lifetime a positive age, or {@code null} for no expiry; one longer than
         * 36,500 days counts as 36,500 days
         * @return this builder
         * @throws IllegalArgumentException if the lifetime is zero or negative
         */
        public Builder lifetime(@Nullable Duration lifetime) {
            if (lifetime != null && (lifetime.isZero() || lifetime.isNegative())) {
                throw new IllegalArgumentException("lifetime must be positive, got " + lifetime);
            }
            this.lifetime = lifetime == null ? null : LongestDuration.saturated(lifetime);
            return this;
        }

        @Override
        public SoftFileLock build() {
            return ExclusiveFileLock.ofSoft(path, options(lifetime));
        }

    }

}
