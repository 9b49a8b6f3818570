package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Builder of SQLite-backed {@link ReadWriteFileLock}s; obtain one from {@link ReadWriteFileLock#builder(Path)}. */
public final class ReadWriteFileLockBuilder {

    /** The backend kind of SQLite read/write locks in the JVM-wide table. */
    static final String KIND = "sqlite";

    private final Path path;
    private Duration timeout = Duration.ofSeconds(-1);
    private boolean blocking = true;
    private Duration pollInterval = FileLockBuilder.DEFAULT_POLL_INTERVAL;
    private Ownership ownership = Ownership.THREAD;

    ReadWriteFileLockBuilder(Path path) {
        this.path = LockPaths.validate(path);
    }

    /**
     * Sets the timeout of {@code acquireRead()} and {@code acquireWrite()}: negative waits forever (the default), zero
     * makes exactly one attempt. The {@link java.util.concurrent.locks.Lock} views keep their own contract ({@code
     * lock()} waits as long as it takes).
     *
     * @param timeout the default timeout
     * @return this builder
     */
    public ReadWriteFileLockBuilder timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Sets whether the {@code acquire} methods (synchronous and asynchronous) wait at all; {@code false} makes each a
     * single attempt whatever the timeout (default {@code true}).
     *
     * @param blocking whether to wait for a busy lock
     * @return this builder
     */
    public ReadWriteFileLockBuilder blocking(boolean blocking) {
        this.blocking = blocking;
        return this;
    }

    /**
     * Sets the longest pause between two attempts at a lock held by another process (default 50 ms, as in Python);
     * waits start at 50 µs and back off to it, and waiting threads of the same JVM are woken in memory instead.
     *
     * @param pollInterval a positive duration
     * @return this builder
     * @throws IllegalArgumentException if the interval is zero or negative
     */
    public ReadWriteFileLockBuilder pollInterval(Duration pollInterval) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        this.pollInterval = pollInterval;
        return this;
    }

    /**
     * Sets who owns holds on the built lock object (default {@link Ownership#THREAD}).
     *
     * @param ownership the ownership model
     * @return this builder
     */
    public ReadWriteFileLockBuilder ownership(Ownership ownership) {
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        return this;
    }

    /**
     * Builds the lock object; building touches no file (the parent directory and the database file are created by the
     * first acquisition).
     *
     * @return the lock
     */
    public ReadWriteFileLock build() {
        LockOptions options =
                new LockOptions(timeout, blocking, pollInterval, LockOptions.UNSET_FILE_MODE, ownership, null, null);
        return new CoordinatedReadWriteLock(path, options, KIND, SqliteReadWriteBackend::new);
    }
}
