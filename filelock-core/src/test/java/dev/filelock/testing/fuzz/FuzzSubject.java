package dev.filelock.testing.fuzz;

import dev.filelock.LockHold;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The lock under test as one fuzz participant sees it: each kind of lock (and the registry) plugs in through this
 * interface, so that {@link FuzzParticipant} drives them all with the same operations.
 */
public interface FuzzSubject {

    /**
     * Tells whether the lock has a shared (read) side besides the exclusive one.
     *
     * @return whether {@code write = false} means a shared hold
     */
    boolean readWrite();

    /**
     * Waits for the lock up to the timeout; on the same thread while held, it takes one more (reentrant) level.
     *
     * @param write whether to take the exclusive side (always true for exclusive kinds)
     * @param timeout how long to wait
     * @return the hold, or empty on timeout
     */
    Optional<LockHold> acquire(boolean write, Duration timeout);

    /**
     * Takes the lock only if it is free right now, through the lock's own non-waiting call.
     *
     * @param write whether to take the exclusive side
     * @return the hold, or empty
     */
    Optional<LockHold> tryAcquire(boolean write);

    /**
     * Starts waiting for the lock without blocking the caller.
     *
     * @param write whether to take the exclusive side
     * @param timeout how long to wait
     * @return the future hold, which the caller may cancel
     */
    CompletableFuture<LockHold> acquireAsync(boolean write, Duration timeout);

    /** Releases every hold of this JVM on the lock, the operator's last resort. */
    void forceRelease();

    /** Lets a cache of lock objects drop its idle entries (the registry); nothing for a plain lock. */
    default void expireUnused() {
    }

    /** Builds the subject of a kind in a participant JVM; a class with a public no-argument constructor. */
    interface Factory {

        /**
         * Opens the lock of the given kind on the given file.
         *
         * @param kind a kind name this factory knows
         * @param lockFile the shared lock file
         * @return the subject
         * @throws IllegalArgumentException for an unknown kind
         */
        FuzzSubject open(String kind, java.nio.file.Path lockFile);
    }
}
