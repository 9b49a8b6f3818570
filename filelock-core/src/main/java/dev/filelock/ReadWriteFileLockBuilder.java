package dev.filelock;

import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockPaths;
import dev.filelock.internal.LongestDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Options shared by the read/write lock builders; obtain one from
 * {@link NativeReadWriteFileLock#builder(Path)}, {@link ReadWriteFileLock#builder(Path)}
 * or {@link SoftReadWriteFileLock#builder(Path)}.
 *
 * @param <B> the concrete builder type, returned by every setter for chaining
 * @param <L> the lock type built
 * @since 0.1
 */
public abstract class ReadWriteFileLockBuilder<B extends ReadWriteFileLockBuilder<B, L>, L extends ReadWriteFileLock> {

    final Path path;

    Duration timeout = Duration.ofSeconds(-1);

    boolean blocking = true;

    Duration pollInterval;

    Ownership ownership = Ownership.THREAD;

    ReadWriteFileLockBuilder(Path path, Duration defaultPollInterval) {
        this.path = LockPaths.validate(path);
        this.pollInterval = defaultPollInterval;
    }

    /**
     * Sets the timeout of {@code acquireRead()} and {@code acquireWrite()}: negative
     * waits forever (the default), zero makes exactly one attempt. The
     * {@link java.util.concurrent.locks.Lock} views keep their own contract ({@code
     * lock()} waits as long as it takes).
     * @param timeout the default timeout
     * @return this builder
     */
    public B timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * Sets whether the {@code acquire} methods (synchronous and asynchronous) wait at
     * all; {@code false} makes each a single attempt whatever the timeout (default
     * {@code true}).
     * @param blocking whether to wait for a busy lock
     * @return this builder
     */
    public B blocking(boolean blocking) {
        this.blocking = blocking;
        return self();
    }

    /**
     * Sets the longest pause between two attempts at a lock held by another process
     * (default 50 ms for native and SQLite locks, 250 ms for soft ones, as in Python);
     * waits start far shorter and back off to it, and waiting threads of one JVM are
     * woken in memory instead.
     * @param pollInterval a positive duration; one longer than 36,500 days counts as
     * 36,500 days
     * @return this builder
     * @throws IllegalArgumentException if the interval is zero or negative
     */
    public B pollInterval(Duration pollInterval) {
        this.pollInterval = LongestDuration.saturated(positive(pollInterval, "pollInterval"));
        return self();
    }

    /**
     * Sets who owns holds on the built lock object (default {@link Ownership#THREAD}).
     * @param ownership the ownership model
     * @return this builder
     */
    public B ownership(Ownership ownership) {
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        return self();
    }

    /**
     * Builds the lock object; building touches no file (files are created by the first
     * acquisition).
     * @return the lock
     */
    public abstract L build();

    LockOptions options() {
        return new LockOptions(timeout, blocking, pollInterval, LockOptions.UNSET_FILE_MODE, ownership, null, null);
    }

    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

}
