package dev.filelock.spring.observation;

import dev.filelock.spring.observation.FileLockObservation.HighCardinalityKeyNames;
import dev.filelock.spring.observation.FileLockObservation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The default key values of the {@link FileLockObservation file lock observations}:
 * {@code backend}, {@code type}, {@code mode} and (for {@code filelock.acquire})
 * {@code outcome} as low-cardinality keys, {@code path} as a high-cardinality one unless
 * the path is asked for as a tag ({@code filelock.metrics.include-path}). The name is
 * left to {@link FileLockObservation} ({@code filelock.acquire} or
 * {@code filelock.held}).
 *
 * @since 0.1
 */
public class DefaultFileLockObservationConvention implements FileLockObservationConvention {

    private final boolean pathAsLowCardinality;

    /** Creates the convention with {@code path} as a high-cardinality key. */
    public DefaultFileLockObservationConvention() {
        this(false);
    }

    /**
     * Creates the convention.
     * @param pathAsLowCardinality whether {@code path} is a low-cardinality key (a metric
     * tag): only for a small, fixed set of keys
     */
    public DefaultFileLockObservationConvention(boolean pathAsLowCardinality) {
        this.pathAsLowCardinality = pathAsLowCardinality;
    }

    /**
     * Returns {@code null}: the observation's name comes from
     * {@link FileLockObservation}, one per observation.
     */
    @Override
    public @Nullable String getName() {
        return null;
    }

    @Override
    public @Nullable String getContextualName(FileLockObservationContext context) {
        return context.getObservation().getContextualName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(FileLockObservationContext context) {
        KeyValues values = KeyValues.of(KeyValue.of(LowCardinalityKeyNames.BACKEND, context.getBackend()),
                KeyValue.of(LowCardinalityKeyNames.TYPE, context.getType()),
                KeyValue.of(LowCardinalityKeyNames.MODE, context.getMode().name().toLowerCase(Locale.ROOT)));
        FileLockObservationContext.Outcome outcome = context.getOutcome();
        if (outcome != null) {
            values = values.and(KeyValue.of(LowCardinalityKeyNames.OUTCOME, outcome.value()));
        }
        return this.pathAsLowCardinality ? values.and(path(context)) : values;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(FileLockObservationContext context) {
        return this.pathAsLowCardinality ? KeyValues.empty() : KeyValues.of(path(context));
    }

    private static KeyValue path(FileLockObservationContext context) {
        return KeyValue.of(HighCardinalityKeyNames.PATH, context.getPath());
    }

}
