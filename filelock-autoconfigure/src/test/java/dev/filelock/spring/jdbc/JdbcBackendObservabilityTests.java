package dev.filelock.spring.jdbc;

import dev.filelock.spring.actuate.AbstractLockObservabilityTests;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The observability stack on {@code filelock.backend=jdbc}, on a real PostgreSQL server.
 */
class JdbcBackendObservabilityTests extends AbstractLockObservabilityTests {

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @Override
    protected String backend() {
        return "jdbc";
    }

    @Override
    protected String type() {
        return "jdbc";
    }

    @Override
    protected boolean locksAreFiles() {
        return false;
    }

    @Override
    protected WebApplicationContextRunner withBackend(WebApplicationContextRunner runner) {
        return runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc");
    }

}
