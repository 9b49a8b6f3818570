package dev.filelock.spring.actuate.metrics;

import dev.filelock.FileLockDiagnostics;
import dev.filelock.FileLockDiagnostics.ActiveLock;
import dev.filelock.FileLockDiagnostics.LockType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;

/**
 * The {@code filelock.active} gauge: how many locks of each {@code type} this JVM holds right now. Wait and hold
 * times come from the {@code filelock.acquire} and {@code filelock.held} observations of
 * {@link dev.filelock.spring.FileLockRegistry}.
 *
 * @since 0.1
 */
public class FileLockMetrics implements MeterBinder {

    /** The gauge's name. */
    public static final String ACTIVE = "filelock.active";

    @Override
    public void bindTo(MeterRegistry registry) {
        for (LockType type : LockType.values()) {
            Gauge.builder(ACTIVE, () -> heldLocks(type))
                .description("File locks held by this JVM")
                .tag("type", tag(type))
                .baseUnit("locks")
                .register(registry);
        }
    }

    /**
     * Returns the {@code type} tag of a lock type, as the observations tag it.
     *
     * @param type the lock type
     * @return such as {@code native} or {@code sqlite-read-write}
     */
    public static String tag(LockType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static long heldLocks(LockType type) {
        return FileLockDiagnostics.activeLocks().stream().filter(ActiveLock::isHeld).filter((lock) -> lock.type() == type).count();
    }
}
