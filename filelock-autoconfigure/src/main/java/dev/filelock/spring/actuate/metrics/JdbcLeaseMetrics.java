package dev.filelock.spring.actuate.metrics;

import dev.filelock.spring.jdbc.JdbcLeaseKeeper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/**
 * The lease metrics of {@code filelock.backend=jdbc}: {@code filelock.jdbc.renewals} (a
 * counter tagged {@code outcome} {@code renewed}, {@code late}, {@code failed} or
 * {@code lost}) and {@code filelock.jdbc.leases} (a gauge of held leases tagged
 * {@code state} {@code valid} or {@code lost}).
 *
 * @since 0.1
 */
public class JdbcLeaseMetrics implements MeterBinder {

    /** The name of the renewal counter. */
    public static final String RENEWALS = "filelock.jdbc.renewals";

    /** The name of the lease gauge. */
    public static final String LEASES = "filelock.jdbc.leases";

    private final JdbcLeaseKeeper leases;

    /**
     * Creates the metrics of a lease keeper.
     * @param leases the lease keeper of the jdbc backend
     */
    public JdbcLeaseMetrics(JdbcLeaseKeeper leases) {
        this.leases = leases;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String outcome : List.of("renewed", "late", "failed", "lost")) {
            FunctionCounter.builder(RENEWALS, this.leases, (keeper) -> keeper.renewals(outcome))
                .description("Lease renewals of held jdbc locks, by outcome")
                .tag("outcome", outcome)
                .register(registry);
        }
        Gauge.builder(LEASES, this.leases, (keeper) -> keeper.openLeases() - keeper.lostOpenLeases())
            .description("Leases of jdbc locks held by this JVM")
            .tag("state", "valid")
            .register(registry);
        Gauge.builder(LEASES, this.leases, JdbcLeaseKeeper::lostOpenLeases)
            .description("Leases of jdbc locks held by this JVM")
            .tag("state", "lost")
            .register(registry);
    }

}
