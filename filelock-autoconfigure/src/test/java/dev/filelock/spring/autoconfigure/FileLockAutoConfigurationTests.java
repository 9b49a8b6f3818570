package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.LockMode;
import dev.filelock.spring.aop.FileLockedAdvisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FileLockAutoConfiguration}.
 */
class FileLockAutoConfigurationTests {

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    @Test
    void registersARegistryUnderTheConfiguredDirectory() {
        contextRunner().run((context) -> {
            assertThat(context).hasSingleBean(FileLockRegistry.class);
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            assertThat(registry.directory()).isEqualTo(this.directory.toRealPath());
            assertThat(registry.supports(LockMode.READ)).isTrue();
        });
    }

    @Test
    void createsAMissingDirectory() {
        Path missing = this.directory.resolve("a/b");
        contextRunner().withPropertyValues("filelock.directory=" + missing).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(missing).isDirectory();
        });
    }

    @Test
    void defaultsTheDirectoryToFilelockUnderTheTemporaryDirectory() {
        assertThat(new FileLockProperties().getDirectory())
            .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "filelock"));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnRegistry() {
        contextRunner().withUserConfiguration(CustomRegistryConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(FileLockRegistry.class);
            assertThat(context.getBean(FileLockRegistry.class)).isSameAs(context.getBean("customRegistry"));
        });
    }

    @Test
    void registersTheFileLockedAdvisorWithTheConfiguredOrder() {
        contextRunner().withPropertyValues("filelock.annotation.order=5").run((context) -> {
            assertThat(context).hasSingleBean(FileLockedAdvisor.class);
            assertThat(context.getBean(FileLockedAdvisor.class).getOrder()).isEqualTo(5);
        });
    }

    @Test
    void ordersTheAdvisorBeforeTheTransactionAdvisorByDefault() {
        contextRunner().run((context) -> assertThat(context.getBean(FileLockedAdvisor.class).getOrder())
            .isLessThan(Integer.MAX_VALUE));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnAdvisor() {
        contextRunner().withUserConfiguration(CustomAdvisorConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(FileLockedAdvisor.class);
            assertThat(context.getBean(FileLockedAdvisor.class).getOrder()).isEqualTo(42);
        });
    }

    @Test
    void leavesAnnotatedBeansAloneWhenTheAnnotationIsDisabled() {
        contextRunner().withPropertyValues("filelock.annotation.enabled=false")
            .withBean(LockedBean.class)
            .run((context) -> {
                assertThat(context).doesNotHaveBean(FileLockedAdvisor.class);
                assertThat(context).hasSingleBean(FileLockRegistry.class);
                assertThat(AopUtils.isAopProxy(context.getBean(LockedBean.class))).isFalse();
            });
    }

    @Test
    void proxiesAnnotatedBeansWithoutAspectJ() {
        contextRunner().withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(LockedBean.class)
            .run((context) -> {
                assertThat(AopUtils.isCglibProxy(context.getBean(LockedBean.class))).isTrue();
                assertThat(context.getBean(LockedBean.class).holdsItsLock(context.getBean(FileLockRegistry.class)))
                    .isTrue();
            });
    }

    @Test
    void proxiesAnnotatedBeansEvenWhenBootAopAutoConfigurationIsSwitchedOff() {
        contextRunner().withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withPropertyValues("spring.aop.auto=false")
            .withBean(LockedBean.class)
            .run((context) -> assertThat(AopUtils.isAopProxy(context.getBean(LockedBean.class))).isTrue());
    }

    @ParameterizedTest
    @CsvSource({ "native, dev.filelock.NativeReadWriteFileLock", "sqlite, dev.filelock.ReadWriteFileLock",
            "soft, dev.filelock.SoftFileLock", "soft-read-write, dev.filelock.SoftReadWriteFileLock" })
    void buildsOneLockProtocolForBothModesPerType(String type, Class<?> protocol) {
        contextRunner().withPropertyValues("filelock.type=" + type).run((context) -> {
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            assertThat(registry.supports(LockMode.READ)).isTrue();
            Lock write = registry.obtain("a.lock");
            assertThat(registry.obtainReadWrite("a.lock").writeLock()).isSameAs(write);
            registry.obtainReadWrite("b.lock");
            assertThat(registry.entries()).extracting(FileLockRegistry.Entry::lock)
                .hasSize(2)
                .allSatisfy((lock) -> assertThat(lock).isInstanceOf(protocol));
        });
    }

    @Test
    void softLocksBreakAnotherHostsLockOlderThanTheConfiguredLifetime() throws IOException {
        Path lockFile = this.directory.resolve("expired.lock");
        // Another host's holder: never provably dead, so only a lifetime can break its
        // lock.
        Files.writeString(lockFile, "4242\nother-host.example.com\n");
        Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        contextRunner().withPropertyValues("filelock.type=soft", "filelock.soft.lifetime=1m").run((context) -> {
            Lock lock = context.getBean(FileLockRegistry.class).obtain("expired.lock");
            assertThat(lock.tryLock(10, TimeUnit.SECONDS)).isTrue();
            lock.unlock();
        });
    }

    @Test
    void softLocksWithoutALifetimeKeepAnotherHostsLockHoweverOld() throws IOException {
        Path lockFile = this.directory.resolve("kept.lock");
        // Another host's holder: never provably dead, so only a lifetime can break its
        // lock.
        Files.writeString(lockFile, "4242\nother-host.example.com\n");
        Files.setLastModifiedTime(lockFile, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        contextRunner().withPropertyValues("filelock.type=soft").run((context) -> {
            Lock lock = context.getBean(FileLockRegistry.class).obtain("kept.lock");
            assertThat(lock.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
        });
    }

    @Test
    void refusesASoftLifetimeThatIsNotPositive() {
        contextRunner().withPropertyValues("filelock.type=soft", "filelock.soft.lifetime=0s").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.soft.lifetime")
                .hasMessageContaining("must be positive");
        });
    }

    @Test
    void createsSoftLockFilesWithTheConfiguredFileMode() {
        contextRunner().withPropertyValues("filelock.type=soft", "filelock.file-mode=0640").run((context) -> {
            Lock lock = context.getBean(FileLockRegistry.class).obtain("mode.lock");
            lock.lock();
            try {
                // while held: a soft lock's file is gone once released
                assertThat(PosixFilePermissions
                    .toString(Files.getPosixFilePermissions(this.directory.resolve("mode.lock"))))
                    .isEqualTo("rw-r-----");
            }
            finally {
                lock.unlock();
            }
        });
    }

    @Test
    void createsNativeLockFilesWithTheConfiguredFileMode() {
        contextRunner().withPropertyValues("filelock.file-mode=0640").run((context) -> {
            Lock lock = context.getBean(FileLockRegistry.class).obtain("mode.lock");
            lock.lock();
            lock.unlock();
            assertThat(
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory.resolve("mode.lock"))))
                .isEqualTo("rw-r-----");
        });
    }

    @ParameterizedTest
    @CsvSource({ "sqlite", "soft-read-write" })
    void refusesAFileModeThatTheReadWriteLocksCannotApply(String type) {
        contextRunner().withPropertyValues("filelock.type=" + type, "filelock.file-mode=0640").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessage("Property filelock.file-mode with value '0640' is invalid: is supported with "
                        + "filelock.type=native and soft only: the read/write locks of filelock.type=" + type
                        + " create their files with 0666 filtered by the process's umask; set the umask instead, or "
                        + "remove filelock.file-mode");
        });
    }

    @Test
    void refusesAFileModeThatIsNotOctalPermissionBits() {
        contextRunner().withPropertyValues("filelock.file-mode=999").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.file-mode")
                .hasMessageContaining("'999'")
                .hasMessageContaining("octal");
        });
    }

    @Test
    void refusesAPollIntervalThatIsNotPositive() {
        contextRunner().withPropertyValues("filelock.poll-interval=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.poll-interval")
                .hasMessageContaining("must be positive");
        });
    }

    @Test
    void refusesACacheCapacityThatIsNotPositive() {
        contextRunner().withPropertyValues("filelock.cache-capacity=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.cache-capacity")
                .hasMessageContaining("must be positive");
        });
    }

    @Test
    void refusesADirectoryThatIsAFile() throws IOException {
        Path file = Files.createFile(this.directory.resolve("not-a-directory"));
        contextRunner().withPropertyValues("filelock.directory=" + file).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("filelock.directory")
                .hasMessageContaining(file.toString());
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomRegistryConfiguration {

        @Bean
        FileLockRegistry customRegistry(FileLockProperties properties) {
            return new FileLockRegistry(properties.getDirectory().resolve("custom"));
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class CustomAdvisorConfiguration {

        @Bean
        static FileLockedAdvisor customAdvisor() {
            FileLockedAdvisor advisor = new FileLockedAdvisor(() -> {
                throw new IllegalStateException("unused");
            }, () -> Duration.ZERO);
            advisor.setOrder(42);
            return advisor;
        }

    }

    public static class LockedBean {

        @FileLocked(path = "bean.lock")
        public boolean holdsItsLock(FileLockRegistry registry) {
            return CompletableFuture.supplyAsync(() -> {
                Lock lock = registry.obtain("bean.lock");
                boolean free = lock.tryLock();
                if (free) {
                    lock.unlock();
                }
                return !free;
            }).join();
        }

    }

}
