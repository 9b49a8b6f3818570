package dev.filelock.spring;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.integration.support.locks.DefaultLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link LockBackend} contract of a user's own Spring Integration registry
 * ({@code filelock.backend} naming a {@link DefaultLockRegistry} bean), with
 * {@code filelock.read-mode-fallback=refuse}: its locks live in this JVM's memory, so
 * other processes do not see them, and it has no shared mode.
 */
class DefaultLockRegistryBackendContractTests extends AbstractLockBackendContractTests {

    @Override
    protected List<String> properties(Path directory) {
        return List.of("filelock.directory=" + directory, LockBackendApplication.USER_REGISTRY + "=true",
                "filelock.backend=userRegistry", "filelock.read-mode-fallback=refuse");
    }

    @Override
    protected ReadLocks readLocks() {
        return ReadLocks.REFUSED;
    }

    @Override
    protected boolean seesOtherProcesses() {
        return false;
    }

    @Test
    void theBackendWrapsTheUsersRegistry() {
        assertThat(backend()).isInstanceOfSatisfying(LockRegistryBackend.class,
                (backend) -> assertThat(backend.registry()).isInstanceOf(DefaultLockRegistry.class));
    }

}
