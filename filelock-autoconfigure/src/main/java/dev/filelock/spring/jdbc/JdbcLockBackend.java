package dev.filelock.spring.jdbc;

import dev.filelock.FileLockException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.spring.FencedLockHold;
import dev.filelock.spring.LockRegistryBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.util.UUIDConverter;

/**
 * The {@code jdbc} lock backend: a {@link LockRegistryBackend} over a
 * {@link JdbcLockRegistry} whose statements are bounded by what is left of the caller's
 * timeout, so that a wait ends in time while the lock database is slow, frozen or down
 * (plus at most one connection timeout for a statement already under way), with a timeout
 * message that says when the database did not answer.
 *
 * @since 0.1
 */
public class JdbcLockBackend extends LockRegistryBackend {

    private final JdbcLockRepository repository;

    private final Duration minimumAttempt;

    private volatile @Nullable JdbcLockNotifications releases;

    private volatile Duration pollInterval = Duration.ofMillis(50);

    /**
     * Creates the backend.
     * @param registry the registry, created on {@code repository}
     * @param repository the repository that runs the registry's statements
     * @param directory the lock directory that confines keys
     * @param readAsExclusive whether read and write locks fall back to the key's
     * exclusive lock
     * @param leases keeps held leases alive
     * @param minimumAttempt how long the first statement of an acquisition may take even
     * when the timeout is shorter (so that a zero timeout still makes one attempt)
     */
    public JdbcLockBackend(JdbcLockRegistry registry, JdbcLockRepository repository, Path directory,
            boolean readAsExclusive, LeaseKeeper leases, Duration minimumAttempt) {
        super("jdbc", registry, directory, readAsExclusive, leases);
        this.repository = Objects.requireNonNull(repository, "repository");
        this.minimumAttempt = Objects.requireNonNull(minimumAttempt, "minimumAttempt");
    }

    /**
     * Returns {@code jdbc}.
     * @return {@code jdbc}
     */
    @Override
    public String backendName() {
        return "jdbc";
    }

    /**
     * Wakes this backend's waiters as soon as a release is announced, polling every
     * {@code pollInterval} as before when no announcement comes (a lost notification, a
     * listener that is down).
     * @param releases the listener of releases
     * @param pollInterval the longest pause between two attempts, the registry's
     * {@code idleBetweenTries}
     * @throws IllegalArgumentException if the poll interval is not positive
     */
    public void setReleaseNotifications(JdbcLockNotifications releases, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("Poll interval " + pollInterval + " must be positive");
        }
        this.releases = Objects.requireNonNull(releases, "releases");
        this.pollInterval = pollInterval;
    }

    /**
     * Waits with single attempts ({@code tryLock} of zero, one statement each) between
     * pauses that a release of the row ends at once; without notifications, waits in the
     * registry's own polling loop.
     */
    @Override
    protected boolean await(Lock lock, String registryKey, Duration timeout) throws InterruptedException {
        JdbcLockNotifications notifications = this.releases;
        if (notifications == null || timeout.isZero()) {
            return super.await(lock, registryKey, timeout);
        }
        boolean endless = timeout.isNegative();
        long deadline = System.nanoTime() + timeout.toNanos();
        String row = UUIDConverter.getUUID(registryKey).toString();
        try (JdbcLockNotifications.Waiter waiter = notifications.subscribe(this.repository.releasePayload(row))) {
            while (true) {
                long seen = waiter.releases();
                if (lock.tryLock(0, TimeUnit.NANOSECONDS)) {
                    return true;
                }
                long left = endless ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                waiter.awaitRelease(seen, Duration.ofNanos(Math.min(left, this.pollInterval.toNanos())));
            }
        }
    }

    /**
     * Returns the repository that runs the lock statements.
     * @return the repository
     */
    public JdbcLockRepository repository() {
        return this.repository;
    }

    /**
     * Names the key in a release failure ({@link JdbcLockRegistry} names the row's UUID),
     * keeping a {@link ConcurrentModificationException} (the lease expired) as such and
     * turning the rest into {@link FileLockException}.
     */
    @Override
    protected RuntimeException releaseFailed(String registryKey, RuntimeException failure) {
        String message = "Could not release the lock '" + registryKey + "' of the 'jdbc' lock backend: "
                + NestedExceptionUtils.getMostSpecificCause(failure).getMessage();
        if (failure instanceof ConcurrentModificationException) {
            return new ConcurrentModificationException(message, failure);
        }
        return new FileLockException(Path.of(registryKey), message, failure);
    }

    /**
     * Returns the token that the acquisition's statement drew from the repository's
     * sequence ({@link JdbcLockRepository#fencingSequence}).
     */
    @Override
    protected OptionalLong fencingToken(String registryKey) {
        Long token = this.repository.fencingToken(UUIDConverter.getUUID(registryKey).toString());
        return (token != null) ? OptionalLong.of(token) : OptionalLong.empty();
    }

    /**
     * Keeps the minimum in the lock's row, in database time: it outlives this process.
     */
    @Override
    public boolean keepsMinimumHold() {
        return true;
    }

    @Override
    public FencedLockHold acquire(String key, LockMode mode, Duration timeout) {
        return acquire(key, mode, timeout, Duration.ZERO);
    }

    /**
     * Takes the key's row so that it stays held at least {@code minimumHold} from the
     * acquisition in database time: the row expires no earlier than that even if this
     * process dies, and a release before it leaves the row held (by no process, so not
     * even this one takes it again) until then, without announcing a release; waiters
     * take it at their next poll once the minimum has passed.
     * @throws IllegalArgumentException if the minimum is negative
     */
    @Override
    public FencedLockHold acquire(String key, LockMode mode, Duration timeout, Duration minimumHold) {
        if (minimumHold.isNegative()) {
            throw new IllegalArgumentException(
                    "The minimum hold of lock '" + key + "' must not be negative: " + minimumHold);
        }
        try (JdbcLockRepository.Attempt attempt = this.repository.beginAttempt(timeout, this.minimumAttempt,
                minimumHold)) {
            try {
                return super.acquire(key, mode, timeout);
            }
            catch (FileLockTimeoutException ex) {
                DataAccessException failure = attempt.failure();
                if (failure == null) {
                    throw ex;
                }
                throw new FileLockTimeoutException(ex.path(),
                        ex.getMessage() + " (the lock database did not answer: " + failure.getMessage() + ")", failure);
            }
            catch (FileLockException | IllegalArgumentException | UnsupportedOperationException ex) {
                throw ex;
            }
            catch (RuntimeException ex) {
                // The registry's own message names the row (a UUID); the root cause says
                // what went wrong.
                String registryKey = registryKey(key);
                throw new FileLockException(Path.of(registryKey), "Could not acquire the lock '" + registryKey
                        + "' of the 'jdbc' lock backend: " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage(),
                        ex);
            }
        }
    }

}
