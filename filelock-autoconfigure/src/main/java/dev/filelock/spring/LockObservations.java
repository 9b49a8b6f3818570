package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.FileLockDiagnostics.LockType;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import dev.filelock.spring.observation.FileLockObservation;
import dev.filelock.spring.observation.FileLockObservationContext;
import dev.filelock.spring.observation.FileLockObservationContext.Outcome;
import dev.filelock.spring.observation.FileLockObservationConvention;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Starts and ends the {@link FileLockObservation}s of one backend, the same way for every
 * backend: the wait ends with an {@link Outcome}, the hold when its last level is
 * released.
 */
final class LockObservations {

    private static final FileLockObservationConvention DEFAULT_CONVENTION = new DefaultFileLockObservationConvention();

    static final LockObservations NONE = new LockObservations(ObservationRegistry.NOOP, null);

    private final ObservationRegistry registry;

    private final @Nullable FileLockObservationConvention convention;

    LockObservations(ObservationRegistry registry, @Nullable FileLockObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    LockObservations withRegistry(ObservationRegistry registry) {
        return new LockObservations(registry, this.convention);
    }

    LockObservations withConvention(@Nullable FileLockObservationConvention convention) {
        return new LockObservations(this.registry, convention);
    }

    Observation startAcquire(RegistryEntry entry, LockMode mode) {
        return startAcquire("file", type(entry), entry.key, mode);
    }

    Observation startHold(RegistryEntry entry, LockMode mode) {
        return startHold("file", type(entry), entry.key, mode);
    }

    Observation startAcquire(String backend, String type, String key, LockMode mode) {
        return start(FileLockObservation.ACQUIRE, backend, type, key, mode);
    }

    Observation startHold(String backend, String type, String key, LockMode mode) {
        return start(FileLockObservation.HELD, backend, type, key, mode);
    }

    static void acquired(Observation acquire) {
        stop(acquire, Outcome.ACQUIRED, null);
    }

    /** Ends an acquisition that gave up: a {@code tryLock} that returned false. */
    static void timedOut(Observation acquire) {
        stop(acquire, Outcome.TIMEOUT, null);
    }

    static void interrupted(Observation acquire) {
        stop(acquire, Outcome.INTERRUPTED, null);
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

    private Observation start(FileLockObservation documentation, String backend, String type, String key,
            LockMode mode) {
        FileLockObservationConvention custom = (this.convention != null) ? new Named(documentation, this.convention)
                : null;
        return Observation
            .createNotStarted(custom, new Named(documentation, DEFAULT_CONVENTION),
                    () -> new FileLockObservationContext(documentation, backend, type, mode, key), this.registry)
            .start();
    }

    private static void stop(Observation observation, Outcome outcome, @Nullable Throwable error) {
        if (observation.getContext() instanceof FileLockObservationContext context) {
            context.setOutcome(outcome);
        }
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    /**
     * A convention named after its observation unless it names it itself: Micrometer asks
     * a convention for the name before the observation starts (observation predicates
     * such as {@code management.observations.enable.filelock} match it), and one
     * convention serves both observations.
     */
    private record Named(FileLockObservation documentation,
            FileLockObservationConvention convention) implements FileLockObservationConvention {

        @Override
        public String getName() {
            String name = this.convention.getName();
            return (name != null) ? name
                    : Objects.requireNonNull(this.documentation.getName(), "every FileLockObservation is named");
        }

        @Override
        public @Nullable String getContextualName(FileLockObservationContext context) {
            return this.convention.getContextualName(context);
        }

        @Override
        public KeyValues getLowCardinalityKeyValues(FileLockObservationContext context) {
            return this.convention.getLowCardinalityKeyValues(context);
        }

        @Override
        public KeyValues getHighCardinalityKeyValues(FileLockObservationContext context) {
            return this.convention.getHighCardinalityKeyValues(context);
        }
    }

    /**
     * The {@code type} of a registry entry: its protocol, spelled as
     * {@code filelock.type} spells it.
     */
    private static String type(RegistryEntry entry) {
        Object lock = entry.coreLock();
        if (lock instanceof SoftFileLock) {
            return LockType.SOFT.value();
        }
        if (lock instanceof SoftReadWriteFileLock) {
            return LockType.SOFT_READ_WRITE.value();
        }
        if (lock instanceof NativeReadWriteFileLock || lock instanceof FileLock) {
            return LockType.NATIVE.value();
        }
        return LockType.SQLITE.value();
    }

}
