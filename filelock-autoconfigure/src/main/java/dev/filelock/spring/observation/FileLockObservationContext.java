package dev.filelock.spring.observation;

import dev.filelock.LockMode;
import io.micrometer.observation.Observation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FileLockObservationConvention} sees of one wait for a lock or one hold.
 *
 * @since 0.1
 */
public final class FileLockObservationContext extends Observation.Context {

    private final FileLockObservation observation;

    private final String backend;

    private final String type;

    private final LockMode mode;

    private final String path;

    private @Nullable Outcome outcome;

    /**
     * Creates the context of one observation.
     * @param observation which observation this is: {@link FileLockObservation#ACQUIRE}
     * or {@link FileLockObservation#HELD}
     * @param backend {@code file}, {@code jdbc} or {@code registry}
     * @param type the lock's protocol, such as {@code native} (the backend's name for
     * registry backends)
     * @param mode the mode asked for
     * @param path the lock key, relative to the lock directory
     */
    public FileLockObservationContext(FileLockObservation observation, String backend, String type, LockMode mode,
            String path) {
        this.observation = Objects.requireNonNull(observation, "observation");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.type = Objects.requireNonNull(type, "type");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.path = Objects.requireNonNull(path, "path");
        // Named from the start: observation predicates
        // (management.observations.enable.filelock) see the context
        // before the observation applies its name.
        setName(Objects.requireNonNull(observation.getName(), "every FileLockObservation is named"));
    }

    /**
     * Returns which observation this is.
     * @return {@link FileLockObservation#ACQUIRE} or {@link FileLockObservation#HELD}
     */
    public FileLockObservation getObservation() {
        return this.observation;
    }

    /**
     * Returns where the lock is taken.
     * @return {@code file}, {@code jdbc} or {@code registry}
     */
    public String getBackend() {
        return this.backend;
    }

    /**
     * Returns the lock's protocol.
     * @return {@code native}, {@code sqlite}, {@code soft} or {@code soft-read-write};
     * for registry backends the backend's name
     */
    public String getType() {
        return this.type;
    }

    /**
     * Returns the mode asked for.
     * @return the mode
     */
    public LockMode getMode() {
        return this.mode;
    }

    /**
     * Returns the lock key.
     * @return the path relative to the lock directory, with {@code /} separators
     */
    public String getPath() {
        return this.path;
    }

    /**
     * Returns how the wait ended.
     * @return the outcome, or {@code null} while waiting and for a hold
     */
    public @Nullable Outcome getOutcome() {
        return this.outcome;
    }

    /**
     * Records how the wait ended, before the observation stops.
     * @param outcome the outcome
     */
    public void setOutcome(Outcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /** How a wait for a lock ended. */
    public enum Outcome {

        /** The lock was acquired. */
        ACQUIRED,

        /** The wait timed out, or a single attempt found the lock held. */
        TIMEOUT,

        /** The waiting thread was interrupted, or the caller cancelled the wait. */
        INTERRUPTED,

        /**
         * The lock could not be taken (an I/O or database failure); the observation
         * carries the error.
         */
        ERROR;

        /**
         * Returns the tag value.
         * @return the lower-case name, such as {@code acquired}
         */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

    }

}
