package dev.filelock.spring.actuate.metrics;

import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockEntry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * The {@code filelock.active} gauge, one meaning for every lock backend: how many entries
 * (paths or keys) this JVM holds right now, tagged with the {@code backend} and the lock
 * {@code type}, one series per type the backend can have. An entry counts once however
 * many threads or levels hold it, so that the gauge says how many locks other processes
 * are kept out of. Wait and hold times come from the {@code filelock.acquire} and
 * {@code filelock.held} observations.
 *
 * @since 0.1
 */
public class FileLockMetrics implements MeterBinder {

    /** The gauge's name. */
    public static final String ACTIVE = "filelock.active";

    private final LockBackend backend;

    /**
     * Creates the gauge of a backend.
     * @param backend the backend whose held entries are counted
     */
    public FileLockMetrics(LockBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String type : this.backend.lockTypes()) {
            Gauge.builder(ACTIVE, this.backend, (backend) -> heldEntries(backend, type))
                .description("Lock entries (paths or keys) held by this JVM")
                .tag("backend", this.backend.backendName())
                .tag("type", type)
                .baseUnit("entries")
                .strongReference(true)
                .register(registry);
        }
    }

    private static long heldEntries(LockBackend backend, String type) {
        return backend.activeEntries()
            .stream()
            .filter(LockEntry::isHeld)
            .filter((entry) -> entry.type().equals(type))
            .count();
    }

}
