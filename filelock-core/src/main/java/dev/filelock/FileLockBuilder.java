package dev.filelock;

import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockPaths;
import dev.filelock.internal.LongestDuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Options shared by the exclusive lock builders; obtain one from
 * {@link FileLock#builder(Path)} or {@link SoftFileLock#builder(Path)}.
 *
 * @param <B> the concrete builder type, returned by every setter for chaining
 * @param <L> the lock type built
 * @since 0.1
 */
public abstract class FileLockBuilder<B extends FileLockBuilder<B, L>, L extends FileLock> {

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);

    final Path path;

    Duration timeout = Duration.ofSeconds(-1);

    boolean blocking = true;

    Duration pollInterval = DEFAULT_POLL_INTERVAL;

    int fileMode = LockOptions.UNSET_FILE_MODE;

    Ownership ownership = Ownership.THREAD;

    @Nullable BooleanSupplier cancelCheck;

    FileLockBuilder(Path path) {
        this.path = LockPaths.validate(path);
    }

    /**
     * Sets the default timeout of {@code acquire()}: negative waits forever (the
     * default), zero makes exactly one attempt.
     * {@link java.util.concurrent.locks.Lock#lock()} always waits, as its contract
     * requires.
     * @param timeout the default timeout
     * @return this builder
     */
    public B timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * Sets whether acquisitions wait at all; {@code false} makes every acquisition a
     * single attempt whatever the timeout (default {@code true}).
     * @param blocking whether to wait for a busy lock
     * @return this builder
     */
    public B blocking(boolean blocking) {
        this.blocking = blocking;
        return self();
    }

    /**
     * Sets the longest pause between two attempts at a lock held by another process
     * (default 50 ms, as in Python); waits start far shorter and back off to it, and
     * native locks are usually woken by the kernel at once instead.
     * @param pollInterval a positive duration; one longer than 36,500 days (such as
     * {@code
     *     ChronoUnit.FOREVER.getDuration()}) counts as 36,500 days
     * @return this builder
     * @throws IllegalArgumentException if the interval is zero or negative
     */
    public B pollInterval(Duration pollInterval) {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        this.pollInterval = LongestDuration.saturated(pollInterval);
        return self();
    }

    /**
     * Sets the permission bits of the lock file, such as {@code 0644}; by default the
     * file is created with {@code 0666} filtered by the umask. An explicit mode on a
     * native lock is applied exactly, whatever the umask.
     * @param mode permission bits between {@code 0} and {@code 0777}
     * @return this builder
     * @throws IllegalArgumentException if the mode is outside that range
     */
    public B fileMode(int mode) {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException(
                    "fileMode must be between 0 and 0777 (octal), got 0" + Integer.toOctalString(mode));
        }
        this.fileMode = mode;
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
     * Sets a check that ends a wait early with {@link FileLockTimeoutException} when it
     * returns {@code true}; it is asked after a failed attempt and at least once per poll
     * interval while waiting, never when the lock is free.
     * @param cancelCheck the check, or {@code null} for none (the default)
     * @return this builder
     */
    public B cancelCheck(@Nullable BooleanSupplier cancelCheck) {
        this.cancelCheck = cancelCheck;
        return self();
    }

    /**
     * Builds the lock object; building touches no file.
     * @return the lock
     */
    public abstract L build();

    LockOptions options(@Nullable Duration lifetime) {
        return new LockOptions(timeout, blocking, pollInterval, fileMode, ownership, cancelCheck, lifetime);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

}
