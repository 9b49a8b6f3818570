package dev.filelock.spring.aop;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.LockMode;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import dev.filelock.spring.jdbc.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link FileLocked} methods, in every return style, on every kind of
 * lock backend: the lock is held while the method's work runs, the caller gets the
 * outcome after the release, and a failure is the method's own.
 */
class FileLockedOnEveryBackendTests {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    @Nested
    class NativeWriteLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner;
        }

    }

    @Nested
    class NativeReadLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner;
        }

        @Override
        Class<? extends LockedCalls> calls() {
            return LockedCalls.Read.class;
        }

    }

    @Nested
    class SqliteWriteLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=sqlite");
        }

    }

    @Nested
    class SqliteReadLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=sqlite");
        }

        @Override
        Class<? extends LockedCalls> calls() {
            return LockedCalls.Read.class;
        }

    }

    @Nested
    class SoftLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=soft");
        }

    }

    @Nested
    class SoftReadWriteWriteLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=soft-read-write");
        }

    }

    @Nested
    class SoftReadWriteReadLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=soft-read-write");
        }

        @Override
        Class<? extends LockedCalls> calls() {
            return LockedCalls.Read.class;
        }

    }

    @Nested
    class InMemoryLockRegistryBean extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withBean("inMemoryLocks", DefaultLockRegistry.class, DefaultLockRegistry::new)
                .withPropertyValues("filelock.backend=inMemoryLocks");
        }

    }

    @Nested
    class JdbcLockRegistryOnPostgres extends Contract {

        private final PostgresDatabase database = PostgresDatabase.require();

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues(this.database.properties(PostgresDatabase.newRegion()).toArray(String[]::new))
                .withPropertyValues("filelock.backend=jdbc");
        }

    }

    /**
     * What every backend must do; a subclass names the backend, and the calls when they
     * take READ locks. The probe always tries WRITE, which a READ holder excludes too.
     */
    abstract static class Contract {

        @TempDir
        Path directory;

        /** The write side of the same paths, whatever {@link #calls()} takes. */
        @Nullable LockedCalls writes;

        abstract ApplicationContextRunner onBackend(ApplicationContextRunner runner);

        Class<? extends LockedCalls> calls() {
            return LockedCalls.Exclusive.class;
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aCallHoldsItsLockWhileItsWorkRunsAndCompletesAfterTheRelease(CallStyle style) {
            run((calls, probe) -> {
                CompletableFuture<String> outcome = style.run(calls, "held",
                        () -> probe.isHeld("held") ? "held while running" : "free while running");
                assertThat(outcome).succeedsWithin(GENEROUS).isEqualTo("held while running");
                assertThat(probe.isHeld("held")).isFalse();
            });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aFailingCallFailsWithTheMethodsOwnExceptionAndReleasesItsLock(CallStyle style) {
            run((calls, probe) -> {
                IllegalStateException failure = new IllegalStateException("the method failed");
                CompletableFuture<String> outcome = style.run(calls, "failing", () -> {
                    throw failure;
                });
                assertThat(outcome).failsWithin(GENEROUS).withThrowableThat().havingCause().isSameAs(failure);
                assertThat(failure.getSuppressed()).isEmpty();
                assertThat(probe.isHeld("failing")).isFalse();
            });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aCallWaitingForTheLockRunsOnceTheHolderReleasesIt(CallStyle style) {
            run((calls, probe) -> {
                CompletableFuture<String> holderWork = new CompletableFuture<>();
                CompletableFuture<String> holder = calls.future("queue", holderWork);
                // The waiter takes the write side: with calls of the read side, a second
                // reader would share the holder's lock and need not wait.
                LockedCalls writes = this.writes;
                CompletableFuture<String> waiter = CompletableFuture
                    .supplyAsync(() -> style.run(writes, "queue", () -> probe.isHeld("queue") ? "held" : "free"))
                    .thenCompose((outcome) -> outcome);
                assertThat(waiter).isNotDone();
                // The holder's release runs here and hands the lock to the waiter, whose
                // work and release may follow
                // on this very thread: nothing may wait for itself.
                holderWork.complete("first");
                assertThat(holder).succeedsWithin(GENEROUS).isEqualTo("first");
                assertThat(waiter).succeedsWithin(GENEROUS).isEqualTo("held");
                assertThat(probe.isHeld("queue")).isFalse();
            });
        }

        @Test
        void aMonoOfAReadyValueCompletesAndReleasesItsLock() {
            run((calls, probe) -> {
                assertThat(calls.mono("value", Mono.just("value")).toFuture()).succeedsWithin(GENEROUS)
                    .isEqualTo("value");
                assertThat(probe.isHeld("value")).isFalse();
            });
        }

        @Test
        void aFluxOfReadyValuesCompletesAndReleasesItsLock() {
            run((calls, probe) -> {
                assertThat(calls.flux("values", Flux.just("a", "b")).collectList().toFuture()).succeedsWithin(GENEROUS)
                    .isEqualTo(List.of("a", "b"));
                assertThat(probe.isHeld("values")).isFalse();
            });
        }

        @Test
        void aCancelledFluxReleasesItsLock() {
            run((calls, probe) -> {
                assertThat(calls.flux("endless", Flux.<String>never().startWith("first")).next().toFuture())
                    .succeedsWithin(GENEROUS)
                    .isEqualTo("first");
                // A cancelled subscriber does not wait for the release, so it is seen
                // eventually.
                await().atMost(GENEROUS).until(() -> !probe.isHeld("endless"));
            });
        }

        private void run(CallsAndProbe test) {
            new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
                .withPropertyValues("filelock.directory=" + this.directory)
                .withBean("calls", LockedCalls.class, () -> BeanUtils.instantiateClass(calls()))
                .withBean("writes", LockedCalls.class, LockedCalls.Exclusive::new)
                .with(this::onBackend)
                .run((context) -> {
                    this.writes = context.getBean("writes", LockedCalls.class);
                    test.run(context.getBean("calls", LockedCalls.class), new Probe(context, LockMode.WRITE));
                });
        }

    }

    @FunctionalInterface
    interface CallsAndProbe {

        void run(LockedCalls calls, Probe probe) throws Exception;

    }

    /**
     * Tells whether a key is locked by trying it once through the backend from a thread
     * of its own.
     */
    record Probe(LockBackend backend, LockMode kind) {

        Probe(AssertableApplicationContext context, LockMode kind) {
            this(context.getBean(LockBackend.class), kind);
        }

        boolean isHeld(String id) {
            CompletableFuture<Boolean> held = new CompletableFuture<>();
            Thread attempt = new Thread(() -> {
                try {
                    this.backend.acquire(LockedCalls.key(id), this.kind, Duration.ZERO).close();
                    held.complete(false);
                }
                catch (FileLockTimeoutException ex) {
                    held.complete(true);
                }
                catch (Throwable ex) {
                    held.completeExceptionally(ex);
                }
            }, "lock-probe");
            attempt.start();
            try {
                return held.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
            }
            catch (Exception ex) {
                throw new AssertionError("Could not probe the lock of " + id, ex);
            }
        }
    }

}
