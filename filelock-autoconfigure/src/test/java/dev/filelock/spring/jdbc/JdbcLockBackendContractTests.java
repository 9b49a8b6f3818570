package dev.filelock.spring.jdbc;

import dev.filelock.spring.AbstractLockBackendContractTests;
import dev.filelock.spring.LockBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link LockBackend} contract of {@code filelock.backend=jdbc}
 * ({@link JdbcLockRegistry}) on a real PostgreSQL server (skipped without one, failed
 * when {@code CI} is {@code true}); its READ locks take the row's exclusive lock.
 */
class JdbcLockBackendContractTests extends AbstractLockBackendContractTests {

    private final String region = PostgresDatabase.newRegion();

    @Override
    protected List<String> properties(Path directory) {
        List<String> properties = new ArrayList<>(PostgresDatabase.require().properties(this.region));
        properties.add("filelock.directory=" + directory);
        properties.add("filelock.backend=jdbc");
        return properties;
    }

    @Override
    protected ReadLocks readLocks() {
        return ReadLocks.EXCLUSIVE;
    }

    @Test
    void theBackendLocksThroughTheJdbcLockRegistry() {
        assertThat(backend()).isInstanceOfSatisfying(JdbcLockBackend.class,
                (backend) -> assertThat(backend.registry()).isInstanceOf(JdbcLockRegistry.class));
    }

}
