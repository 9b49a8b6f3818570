package dev.filelock.spring.aop;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.LockBackend;
import java.time.Duration;

/**
 * The checked {@link dev.filelock.spring.FileLocked} settings of one method.
 *
 * @param key the path template
 * @param timeout how long to wait
 * @param mode which side of the path's lock to take
 * @param onTimeout what to do on timeout
 * @param returns how the method's result is handled
 * @param holdAtLeast how long the lock stays held at least, from its acquisition; zero
 * for no minimum
 */
record LockedMethod(KeyTemplate key, Duration timeout, LockMode mode, OnTimeout onTimeout, ReturnStyle returns,
        Duration holdAtLeast) {

    /**
     * Tells whether the lock outlives the call for a minimum hold, and must then be owned
     * by the library.
     */
    boolean holdsAtLeast() {
        return !this.holdAtLeast.isZero();
    }

    /**
     * The minimum hold that the backend keeps in its store (zero when it does not keep
     * one, or there is none).
     */
    Duration minimumKeptBy(LockBackend backend) {
        return backend.keepsMinimumHold() ? this.holdAtLeast : Duration.ZERO;
    }

    /**
     * Tells whether this JVM keeps the lock past the call for a minimum hold (the backend
     * does not).
     */
    boolean holdsAtLeastInThisJvm(LockBackend backend) {
        return holdsAtLeast() && !backend.keepsMinimumHold();
    }

    /** How the lock's lifetime follows the method's result. */
    enum ReturnStyle {

        /** Released when the method returns or throws; skipping returns {@code null}. */
        PLAIN,

        /**
         * Released when the method returns or throws; skipping returns
         * {@code Optional.empty()}.
         */
        OPTIONAL,

        /** Held until the returned {@code CompletionStage} completes. */
        COMPLETION_STAGE,

        /**
         * Held while the returned {@code Mono} runs, from subscription to termination or
         * cancellation.
         */
        MONO,

        /**
         * Held while the returned {@code Flux} runs, from subscription to termination or
         * cancellation.
         */
        FLUX

    }
}
