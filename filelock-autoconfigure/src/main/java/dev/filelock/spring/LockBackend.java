package dev.filelock.spring;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@link FileLocked} methods take their locks, by key: {@link FileLockRegistry} by default; another registry (a
 * database-backed one, say) can stand behind the annotation by implementing this interface.
 *
 * @since 0.1
 */
public interface LockBackend {

    /**
     * Checks a key without locking anything, so that a constant {@link FileLocked#path()} is refused at startup.
     *
     * @param key the lock key
     * @throws IllegalArgumentException if the key can never be locked (the message names the key and the reason)
     */
    void validateKey(String key);

    /**
     * Tells whether this backend can take locks of the given mode ({@link LockMode#WRITE} always); {@link FileLocked}
     * methods asking for an unsupported mode are refused at startup.
     *
     * @param mode the lock mode
     * @return whether {@link #acquire} and {@link #acquireDetached} accept it
     */
    boolean supports(LockMode mode);

    /**
     * Acquires one level of the key's lock for the calling thread, which must release it (reentrant per thread): a
     * {@link LockMode#READ} lock shares the key with other readers and excludes writers, a {@link LockMode#WRITE} lock
     * excludes both, in this and other processes.
     *
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return the hold; closing it releases the level
     * @throws FileLockTimeoutException if the lock was not acquired in time
     * @throws FileLockInterruptedException if the thread was interrupted while waiting
     * @throws IllegalArgumentException if the key is refused
     * @throws UnsupportedOperationException if the mode is not {@linkplain #supports supported}
     */
    LockHold acquire(String key, LockMode mode, Duration timeout);

    /**
     * Acquires one level of the key's lock owned by the returned hold rather than by a thread, so that any thread may
     * release it (for asynchronous methods); it excludes every thread, the caller included. Cancelling the future
     * abandons the wait and never leaks a hold.
     *
     * @param key the lock key
     * @param mode the lock mode
     * @param timeout how long to wait: negative waits forever, zero makes one attempt
     * @return a future completed with the hold, or exceptionally with {@link FileLockTimeoutException}
     * @throws IllegalArgumentException if the key is refused
     * @throws UnsupportedOperationException if the mode is not {@linkplain #supports supported}
     */
    CompletableFuture<LockHold> acquireDetached(String key, LockMode mode, Duration timeout);
}
