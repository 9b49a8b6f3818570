package dev.filelock.spring.actuate.metrics;

import dev.filelock.spring.LockRegistryBackend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The {@code filelock.active} gauge of a registry backend ({@code filelock.backend=jdbc} or a registry bean): how many
 * locks this JVM holds through it, tagged with the backend's name as {@code type}.
 *
 * @since 0.1
 */
public class RegistryLockMetrics implements MeterBinder {

    private final LockRegistryBackend backend;

    /**
     * Creates the metrics of a backend.
     *
     * @param backend the backend whose held locks are counted
     */
    public RegistryLockMetrics(LockRegistryBackend backend) {
        this.backend = backend;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(FileLockMetrics.ACTIVE, this.backend, (backend) -> backend.heldLocks().size())
            .description("Locks held by this JVM")
            .tag("type", this.backend.name())
            .baseUnit("locks")
            .register(registry);
    }
}
