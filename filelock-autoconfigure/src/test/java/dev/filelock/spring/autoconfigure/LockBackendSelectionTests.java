package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.LockBackend;
import dev.filelock.LockMode;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.jdbc.Jobs;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.DefaultLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@code filelock.backend} choices that need no database: a Spring Integration
 * {@code LockRegistry} bean named by the property, and clear startup failures when the
 * chosen backend cannot be built.
 */
class LockBackendSelectionTests {

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .withBean(Jobs.class);
    }

    @Test
    void theFileBackendIsTheDefault() {
        contextRunner().run((context) -> {
            assertThat(context).hasSingleBean(FileLockRegistry.class).doesNotHaveBean(LockRegistryBackend.class);
            assertThat(context.getBean(LockBackend.class)).isInstanceOf(FileLockRegistry.class);
        });
    }

    @Test
    void aBackendNamingALockRegistryBeanLocksThroughThatRegistry() {
        DefaultLockRegistry registry = new DefaultLockRegistry();
        contextRunner().withBean("inMemoryLocks", DefaultLockRegistry.class, () -> registry)
            .withPropertyValues("filelock.backend=inMemoryLocks")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(FileLockRegistry.class);
                LockRegistryBackend backend = context.getBean(LockRegistryBackend.class);
                assertThat(backend.registry()).isSameAs(registry);
                assertThat(backend.supports(LockMode.READ)).isTrue();
                context.getBean(Jobs.class).run("9", () -> {
                    ReentrantLock lock = (ReentrantLock) registry.obtain("jobs/9.lock");
                    assertThat(lock.isHeldByCurrentThread()).isTrue();
                });
                assertThat(((ReentrantLock) registry.obtain("jobs/9.lock")).isLocked()).isFalse();
            });
    }

    @Test
    void aBackendNamingNoLockRegistryFailsNamingTheProperty() {
        contextRunner().withPropertyValues("filelock.backend=noSuchRegistry").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.backend")
                .hasMessageContaining("noSuchRegistry");
        });
    }

    @Test
    void theJdbcBackendWithoutADataSourceFailsNamingTheProperty() {
        contextRunner().withPropertyValues("filelock.backend=jdbc").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.backend")
                .hasMessageContaining("DataSource");
        });
    }

}
