package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * The observations of a {@link FileLockRegistry}: {@code filelock.acquire} spans the wait for a lock (its outcome is
 * a tag), {@code filelock.held} spans the hold. Tags stay low-cardinality ({@code type}, {@code mode}, {@code
 * outcome}); the lock key is a high-cardinality key value (seen by tracing, not by metrics) unless the user opts in.
 */
final class LockObservations {

    static final String ACQUIRE = "filelock.acquire";

    static final String HELD = "filelock.held";

    static final LockObservations NONE = new LockObservations(ObservationRegistry.NOOP, false);

    private final ObservationRegistry registry;

    private final boolean pathAsTag;

    LockObservations(ObservationRegistry registry, boolean pathAsTag) {
        this.registry = registry;
        this.pathAsTag = pathAsTag;
    }

    Observation startAcquire(RegistryEntry entry, LockMode mode) {
        return start(ACQUIRE, "wait for file lock", entry, mode);
    }

    Observation startHold(RegistryEntry entry, LockMode mode) {
        return start(HELD, "hold file lock", entry, mode);
    }

    static void acquired(Observation acquire) {
        stop(acquire, Outcome.ACQUIRED, null);
    }

    /** Ends an acquisition that gave up: a {@code tryLock} that returned false. */
    static void timedOut(Observation acquire) {
        stop(acquire, Outcome.TIMEOUT, null);
    }

    static void failed(Observation acquire, Throwable failure) {
        Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
                : failure;
        if (cause instanceof FileLockTimeoutException) {
            stop(acquire, Outcome.TIMEOUT, null);
        }
        else if (cause instanceof FileLockInterruptedException || cause instanceof InterruptedException
                || cause instanceof CancellationException) {
            stop(acquire, Outcome.INTERRUPTED, null);
        }
        else {
            stop(acquire, Outcome.ERROR, cause);
        }
    }

    private Observation start(String name, String contextualName, RegistryEntry entry, LockMode mode) {
        Observation observation = Observation.createNotStarted(name, this.registry)
            .contextualName(contextualName)
            .lowCardinalityKeyValue("type", type(entry))
            .lowCardinalityKeyValue("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        KeyValue path = KeyValue.of("path", entry.key);
        observation = this.pathAsTag ? observation.lowCardinalityKeyValue(path)
                : observation.highCardinalityKeyValue(path);
        return observation.start();
    }

    private static void stop(Observation observation, Outcome outcome, @Nullable Throwable error) {
        observation.lowCardinalityKeyValue("outcome", outcome.tag);
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    /** The {@code type} tag: the lock's protocol, as the endpoint and the {@code filelock.active} gauge name it. */
    private static String type(RegistryEntry entry) {
        Object lock = entry.coreLock();
        if (lock instanceof SoftFileLock) {
            return "soft";
        }
        if (lock instanceof SoftReadWriteFileLock) {
            return "soft-read-write";
        }
        return (lock instanceof FileLock || lock instanceof NativeReadWriteFileLock) ? "native" : "sqlite";
    }

    private enum Outcome {

        ACQUIRED("acquired"), TIMEOUT("timeout"), INTERRUPTED("interrupted"), ERROR("error");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }
}
