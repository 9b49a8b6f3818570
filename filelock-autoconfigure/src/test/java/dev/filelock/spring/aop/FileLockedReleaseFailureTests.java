package dev.filelock.spring.aop;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link FileLocked} methods whose release fails (a lease lost, the database
 * down at release), in every return style: the caller always gets an outcome, the release
 * failure is never lost, and a method's own failure stays first.
 */
class FileLockedReleaseFailureTests {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private final FailingUnlockRegistry registry = new FailingUnlockRegistry();

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory, "filelock.backend=failingLocks")
            .withBean("failingLocks", FailingUnlockRegistry.class, () -> this.registry)
            .withBean(LockedCalls.class, LockedCalls.Exclusive::new);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CallStyle.class)
    void aReleaseFailureAfterASuccessfulCallFailsTheCallWithIt(CallStyle style) {
        contextRunner().run((context) -> {
            CompletableFuture<String> outcome = style.run(context.getBean(LockedCalls.class), "ok", () -> "value");
            assertThat(outcome).failsWithin(GENEROUS).withThrowableThat().satisfies((failure) -> {
                assertThat(this.registry.failures()).hasSize(1);
                assertThat(causes(failure)).contains(this.registry.failures().get(0));
            });
            assertThat(context.getBean(LockRegistryBackend.class).heldLocks()).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CallStyle.class)
    void aReleaseFailureAfterAFailedCallIsSuppressedByTheMethodsOwnException(CallStyle style) {
        contextRunner().run((context) -> {
            IllegalStateException failure = new IllegalStateException("the method failed");
            CompletableFuture<String> outcome = style.run(context.getBean(LockedCalls.class), "failing", () -> {
                throw failure;
            });
            assertThat(outcome).failsWithin(GENEROUS).withThrowableThat().havingCause().isSameAs(failure);
            assertThat(this.registry.failures()).hasSize(1);
            assertThat(failure.getSuppressed()).containsExactly(this.registry.failures().get(0));
            assertThat(context.getBean(LockRegistryBackend.class).heldLocks()).isEmpty();
        });
    }

    private static Stream<Throwable> causes(Throwable failure) {
        return Stream.iterate(failure, (cause) -> cause != null, Throwable::getCause);
    }

    /**
     * An in-memory registry whose locks are released and then report a failure, as a
     * store losing a lease does.
     */
    static final class FailingUnlockRegistry implements LockRegistry<Lock> {

        private final DefaultLockRegistry locks = new DefaultLockRegistry();

        private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();

        List<RuntimeException> failures() {
            return this.failures;
        }

        @Override
        public Lock obtain(Object lockKey) {
            Lock lock = this.locks.obtain(lockKey);
            return new Lock() {

                @Override
                public void lock() {
                    lock.lock();
                }

                @Override
                public void lockInterruptibly() throws InterruptedException {
                    lock.lockInterruptibly();
                }

                @Override
                public boolean tryLock() {
                    return lock.tryLock();
                }

                @Override
                public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
                    return lock.tryLock(time, unit);
                }

                @Override
                public void unlock() {
                    lock.unlock();
                    RuntimeException failure = new IllegalStateException(
                            "The lock '" + lockKey + "' expired: " + "the database was down when it was released");
                    FailingUnlockRegistry.this.failures.add(failure);
                    throw failure;
                }

                @Override
                public Condition newCondition() {
                    return lock.newCondition();
                }
            };
        }

    }

}
