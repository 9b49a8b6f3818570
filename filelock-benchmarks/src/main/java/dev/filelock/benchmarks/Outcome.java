package dev.filelock.benchmarks;

/**
 * The result of a measurement that several rows share, or why it failed: each of those rows then reports the failure
 * instead of the whole run stopping.
 */
final class Outcome<T> {

    private final T value;
    private final RuntimeException failure;

    private Outcome(T value, RuntimeException failure) {
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
        } catch (Exception | LinkageError e) {
            return new Outcome<>(null, new IllegalStateException(what + " failed: " + e, e));
        }
    }

    /** The outcome of a measurement this run left out ({@code --only}). */
    static <T> Outcome<T> skipped() {
        return new Outcome<>(null, new IllegalStateException("not measured in this run"));
    }

    /**
     * Returns the result.
     *
     * @throws IllegalStateException naming the shared measurement's failure
     */
    T get() {
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
