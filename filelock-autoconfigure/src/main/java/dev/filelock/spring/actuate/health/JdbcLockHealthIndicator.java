package dev.filelock.spring.actuate.health;

import dev.filelock.spring.jdbc.JdbcLeaseKeeper;
import dev.filelock.spring.jdbc.JdbcLockBackend;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code filelock} health of {@code filelock.backend=jdbc}: {@code DOWN} when the
 * lock database does not answer within the timeout on the lock's own connections (the
 * application's pool may be fine) or when a lease held by this JVM was lost (its method
 * no longer runs exclusively), {@code UP} otherwise. Details: {@code backend}, {@code
 * leases} (held), {@code lostLeases}, and {@code renewals} by outcome ({@code renewed},
 * {@code late}, {@code failed}, {@code lost}).
 *
 * @since 0.1
 */
public class JdbcLockHealthIndicator extends AbstractHealthIndicator {

    private final JdbcLockBackend backend;

    private final @Nullable JdbcLeaseKeeper leases;

    private final Duration timeout;

    /**
     * Creates the indicator.
     * @param backend the jdbc backend, whose repository is probed
     * @param leases its lease keeper, or {@code null} when leases are not renewed
     * @param timeout how long the database may take to answer the probe
     */
    public JdbcLockHealthIndicator(JdbcLockBackend backend, @Nullable JdbcLeaseKeeper leases, Duration timeout) {
        super("The lock database is unavailable");
        this.backend = backend;
        this.leases = leases;
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("backend", "jdbc");
        JdbcLeaseKeeper keeper = this.leases;
        int lost = 0;
        if (keeper != null) {
            lost = keeper.lostOpenLeases();
            builder.withDetail("leases", keeper.openLeases())
                .withDetail("lostLeases", lost)
                .withDetail("renewals", Map.of("renewed", keeper.renewals("renewed"), "late", keeper.renewals("late"),
                        "failed", keeper.renewals("failed"), "lost", keeper.renewals("lost")));
        }
        this.backend.repository().ping(this.timeout);
        if (lost > 0) {
            builder.down()
                .withDetail("reason",
                        lost + " lock lease(s) held by this JVM lapsed: their methods no " + "longer run exclusively");
            return;
        }
        builder.up();
    }

}
