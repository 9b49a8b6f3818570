package dev.filelock.spring;

import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link LockBackend} contract of a {@link FileLockRegistry} of
 * {@code filelock.type=sqlite}.
 */
class SqliteFileLockRegistryContractTests extends AbstractLockBackendContractTests {

    @Override
    protected List<String> properties(Path directory) {
        return List.of("filelock.directory=" + directory, "filelock.type=sqlite");
    }

    @Test
    void theBackendIsARegistryOfReadWriteFileLocks() {
        assertThat(backend()).isInstanceOfSatisfying(FileLockRegistry.class, (registry) -> {
            registry.obtain(key("type"));
            assertThat(registry.entries()).filteredOn((entry) -> entry.key().equals(key("type")))
                .singleElement()
                .satisfies((entry) -> assertThat(entry.lock()).isInstanceOf(ReadWriteFileLock.class)
                    .isNotInstanceOfAny(dev.filelock.NativeReadWriteFileLock.class,
                            dev.filelock.SoftReadWriteFileLock.class));
        });
    }

}
