package dev.filelock.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The key values of the {@link FileLockObservation file lock observations}; a bean of
 * this type replaces {@link DefaultFileLockObservationConvention} on every lock backend
 * (extend that class to add or change a few keys).
 *
 * @since 0.1
 */
public interface FileLockObservationConvention extends ObservationConvention<FileLockObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof FileLockObservationContext;
    }

}
