package dev.filelock.benchmarks;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of a measurement that several rows share, or why it failed: each of those
 * rows then reports the failure instead of the whole run stopping.
 */
final class Outcome<T> {

    private final @Nullable T value;

    private final @Nullable RuntimeException failure;

    private Outcome(@Nullable T value, @Nullable RuntimeException failure) {
        this.value = value;
        this.failure = failure;
    }

    /** Something that measures and may fail. */
    interface Measurement<T> {

        T run() throws Exception;

    }

    static <T> Outcome<T> of(String what, Measurement<T> measurement) {
        try {
            return new Outcome<>(measurement.run(), null);
        }
        catch (Exception | LinkageError e) {
            return new Outcome<>(null, new IllegalStateException(what + " failed: " + e, e));
        }
    }

    /** The outcome of a measurement this run left out ({@code --only}). */
    static <T> Outcome<T> skipped() {
        return new Outcome<>(null, new IllegalStateException("not measured in this run"));
    }

    /**
     * Returns the result.
     * @throws IllegalStateException naming the shared measurement's failure
     */
    T get() {
        if (failure != null) {
            throw failure;
        }
        // Each outcome has a value or a failure.
        return Objects.requireNonNull(value);
    }

}
