package dev.filelock.spring;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@link FileLocked} methods take their locks, by key: {@link FileLockRegistry} by
 * default; another registry (a database-backed one, say) can stand behind the annotation
 * by implementing this interface.
 *
 * @since 0.1
 */
public interface LockBackend {

    /**
     * Checks a key without locking anything, so that a constant {@link FileLocked#path()}
     * is refused at startup.
     * @param key the lock key
     * @throws IllegalArgumentException if the key can never be locked (the message names
     * the key and the reason)
     */
    void validateKey(String key);

    /**
     * Tells whether this backend can take locks of the given mode ({@link LockMode#WRITE}
     * always); {@link FileLocked} methods asking for an unsupported mode are refused at
     * startup.
     * @param mode the lock mode
     * @return whether {@link #acquire} and {@link #acquireDetached} accept it
     */
    boolean supports(LockMode mode);

    /**
     * Acquires one level of the key's lock for the calling thread, which must release it
     * (reentrant per thread): a {@link LockMode#READ} lock shares the key with other
     * readers and excludes writers, a {@link LockMode#WRITE} lock excludes both, in this
     * and other processes.
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return the hold; closing it releases the level
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalArgumentException if the key is refused
     * @throws UnsupportedOperationException if the mode is not {@linkplain #supports
     * supported}
     */
    LockHold acquire(String key, LockMode mode, Duration timeout);

    /**
     * Acquires one level of the key's lock owned by the returned hold rather than by a
     * thread, so that any thread may release it (for asynchronous methods); it excludes
     * every thread, the caller included. Cancelling the future abandons the wait and
     * never leaks a hold.
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return a future completed with the hold, or exceptionally with
     * {@link FileLockTimeoutException}
     * @throws IllegalArgumentException if the key is refused
     * @throws UnsupportedOperationException if the mode is not {@linkplain #supports
     * supported}
     */
    CompletableFuture<LockHold> acquireDetached(String key, LockMode mode, Duration timeout);

    /**
     * Returns this backend's name for the {@code backend} tag of metrics and observations
     * and the {@code filelocks} endpoint.
     * @return {@code file} ({@link FileLockRegistry}), {@code jdbc}, or {@code registry}
     * (the default: a backend over a user's lock registry, or a user's own backend)
     * @since 0.1
     */
    default String backendName() {
        return "registry";
    }

    /**
     * Returns every {@link LockEntry#type() type} an {@linkplain #activeEntries() entry}
     * of this backend can have, so that the {@code filelock.active} gauge has one series
     * per type from the start.
     * @return the types; by default the backend's {@linkplain #backendName() name} alone
     * @since 0.1
     */
    default Set<String> lockTypes() {
        return Set.of(backendName());
    }

    /**
     * Lists the entries this JVM holds or waits for through this backend, ordered by key,
     * for the {@code filelocks} endpoint and the {@code filelock.active} gauge; the store
     * may hold more, for other processes.
     * @return a snapshot (each entry consistent, the list not one atomic moment); empty
     * by default, for a backend that keeps no account
     * @since 0.1
     */
    default List<LockEntry> activeEntries() {
        return List.of();
    }

    /**
     * Returns the {@link LockEntry#key() key} under which {@link #activeEntries()} lists
     * a {@link FileLocked#path()}.
     * @param key the lock key
     * @return the entry key; by default the key itself, once {@linkplain #validateKey
     * validated}
     * @throws IllegalArgumentException if the key can never be locked (the message names
     * the key and the reason)
     * @since 0.1
     */
    default String entryKey(String key) {
        validateKey(key);
        return key;
    }

    /**
     * Tells whether this backend keeps a {@link FileLocked#holdAtLeast()} minimum in its
     * store, so that the minimum holds even if this process dies or releases the lock
     * earlier; otherwise (the default) the starter keeps the hold in this JVM until the
     * minimum has passed.
     * @return whether {@link #acquire(String, LockMode, Duration, Duration)} accepts a
     * minimum hold
     */
    default boolean keepsMinimumHold() {
        return false;
    }

    /**
     * Acquires as {@link #acquire(String, LockMode, Duration)}, and keeps the lock held
     * in the store at least {@code minimumHold} from its acquisition, even after the hold
     * is closed or this process dies.
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @param minimumHold how long the lock stays held at least; zero for no minimum
     * @return the hold; closing it releases the level, or leaves the lock to the store
     * until the minimum has passed
     * @throws UnsupportedOperationException if the minimum is not zero and this backend
     * does not {@linkplain #keepsMinimumHold keep minimum holds}, or the mode is not
     * supported
     */
    default LockHold acquire(String key, LockMode mode, Duration timeout, Duration minimumHold) {
        if (minimumHold.isZero()) {
            return acquire(key, mode, timeout);
        }
        throw new UnsupportedOperationException("The lock backend " + this + " does not keep minimum holds in its "
                + "store (lock '" + key + "', minimum " + minimumHold + ")");
    }

    /**
     * Acquires as {@link #acquireDetached(String, LockMode, Duration)}, keeping the lock
     * held in the store at least {@code minimumHold} as
     * {@link #acquire(String, LockMode, Duration, Duration)} does.
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @param minimumHold how long the lock stays held at least; zero for no minimum
     * @return a future completed with the hold, or exceptionally with
     * {@link FileLockTimeoutException}
     * @throws UnsupportedOperationException if the minimum is not zero and this backend
     * does not {@linkplain #keepsMinimumHold keep minimum holds}, or the mode is not
     * supported
     */
    default CompletableFuture<LockHold> acquireDetached(String key, LockMode mode, Duration timeout,
            Duration minimumHold) {
        if (minimumHold.isZero()) {
            return acquireDetached(key, mode, timeout);
        }
        throw new UnsupportedOperationException("The lock backend " + this + " does not keep minimum holds in its "
                + "store (lock '" + key + "', minimum " + minimumHold + ")");
    }

}
