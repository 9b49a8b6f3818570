package dev.filelock.spring.aop;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.actuate.endpoint.FileLocksEndpoint;
import dev.filelock.spring.aop.FileLockedOnEveryBackendTests.Probe;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.actuate.metrics.FileLockedSkipMetrics;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockedMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.filelock.spring.jdbc.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link FileLocked#holdAtLeast()} in every return style on every kind of lock backend:
 * the lock stays held past the end of the call (a success or a failure) until the minimum
 * has passed, by the library, so the next call of this JVM, on the same thread, is
 * excluded too; stopping the application context releases it at once.
 */
class FileLockedHoldAtLeastTests {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    /**
     * Far longer than any test: a lock seen free sooner was released by a stop, not by
     * its minimum.
     */
    private static final String LONG_MINIMUM = "test.hold-at-least=10m";

    @TempDir
    Path directory;

    @Test
    void aMinimumHoldThatIsNotADurationFailsStartupNamingTheMethodAndTheAttribute() {
        runner().withPropertyValues("test.hold-at-least=soon")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Invalid @FileLocked on " + HeldAtLeast.class.getName() + ".call()")
                .hasMessageContaining("holdAtLeast 'soon' is not a duration"));
    }

    @Test
    void aNegativeMinimumHoldFailsStartupNamingTheMethodAndTheAttribute() {
        runner().withPropertyValues("test.hold-at-least=-1s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Invalid @FileLocked on " + HeldAtLeast.class.getName() + ".call()")
                .hasMessageContaining("holdAtLeast '-1s' is negative"));
    }

    @Test
    void anEmptyOrZeroMinimumHoldReleasesTheLockWhenTheCallEnds() {
        for (String none : new String[] { "", "0" }) {
            runner().withPropertyValues("test.hold-at-least=" + none).run((context) -> {
                LockedCalls calls = context.getBean(LockedCalls.class);
                assertThat(calls.call("none", () -> "ran")).isEqualTo("ran");
                assertThat(new Probe(context, LockMode.WRITE).isHeld("none")).isFalse();
            });
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aSkippedCallIsLoggedAtDebugWithItsMethodAndKeyAndCountedByMethod(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        logging.setLogLevel(FileLockedInterceptor.class.getName(), LogLevel.DEBUG);
        try {
            runner().withPropertyValues(LONG_MINIMUM)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withConfiguration(AutoConfigurations.of(FileLockedMetricsAutoConfiguration.class))
                .run((context) -> {
                    LockedCalls calls = context.getBean(LockedCalls.class);
                    assertThat(calls.call("skipped", () -> "ran")).isEqualTo("ran");
                    assertThat(calls.call("skipped", () -> "ran again")).isNull();
                    assertThat(calls.future("skipped", CompletableFuture.completedFuture("ran again")))
                        .succeedsWithin(GENEROUS)
                        .isNull();
                    assertThat(context.getBean(MeterRegistry.class)
                        .get(FileLockedSkipMetrics.SKIPPED)
                        .tag("method", "HeldAtLeast.call")
                        .counter()
                        .count()).isEqualTo(1);
                    assertThat(context.getBean(MeterRegistry.class)
                        .get(FileLockedSkipMetrics.SKIPPED)
                        .tag("method", "HeldAtLeast.future")
                        .counter()
                        .count()).isEqualTo(1);
                });
        }
        finally {
            logging.setLogLevel(FileLockedInterceptor.class.getName(), null);
        }
        assertThat(output).contains("DEBUG")
            .contains("Skipped @FileLocked method HeldAtLeast.call (key 'calls/skipped.lock'): its lock was not "
                    + "acquired within PT0S (onTimeout = SKIP)");
    }

    @Test
    void closingTheContextReleasesPendingMinimumHoldsAndLeavesNoSchedulerThread() {
        Probe[] probe = new Probe[1];
        runner().withPropertyValues(LONG_MINIMUM).run((context) -> {
            assertThat(context.getBean(LockedCalls.class).call("pending", () -> "ran")).isEqualTo("ran");
            probe[0] = new Probe(context, LockMode.WRITE);
            assertThat(probe[0].isHeld("pending")).isTrue();
            assertThat(schedulerThreads()).isNotEmpty();
        });
        assertThat(probe[0].isHeld("pending")).as("held after the context closed").isFalse();
        assertThat(schedulerThreads()).as("minimum hold threads after the context closed").isEmpty();
    }

    @Test
    void theFileLocksEndpointListsALockHeldForItsMinimumAfterItsCallEndedAsHeld() {
        runner().withPropertyValues(LONG_MINIMUM).run((context) -> {
            assertThat(context.getBean(LockedCalls.class).call("listed", () -> "ran")).isEqualTo("ran");
            FileLocksEndpoint endpoint = new FileLocksEndpoint(context.getBean(FileLockRegistry.class));
            assertThat(endpoint.locks().entries()).filteredOn((lock) -> lock.path().endsWith(LockedCalls.key("listed")))
                .singleElement()
                .satisfies((lock) -> assertThat(lock.owners()).singleElement()
                    .satisfies((owner) -> assertThat(owner.name()).isEqualTo("(asynchronous hold)")));
        });
    }

    @Test
    void theEndpointOfARegistryBackendListsALockHeldForItsMinimumAfterItsCallEndedAsHeldByAnOwnerThread() {
        runner().withPropertyValues(LONG_MINIMUM, "filelock.backend=inMemoryLocks")
            .withBean("inMemoryLocks", DefaultLockRegistry.class, DefaultLockRegistry::new)
            .run((context) -> {
                assertThat(context.getBean(LockedCalls.class).call("listed", () -> "ran")).isEqualTo("ran");
                FileLocksEndpoint endpoint = new FileLocksEndpoint(context.getBean(LockRegistryBackend.class));
                assertThat(endpoint.locks().entries()).singleElement().satisfies((lock) -> {
                    assertThat(lock.path()).isEqualTo(LockedCalls.key("listed"));
                    assertThat(lock.owners()).singleElement()
                        .satisfies((owner) -> assertThat(owner.name()).isEqualTo("filelock-inMemoryLocks-owner"));
                });
            });
    }

    private static java.util.List<Thread> schedulerThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.getName().equals("filelock-minimum-hold") && thread.isAlive())
            .toList();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .withBean(LockedCalls.class, HeldAtLeast::new);
    }

    @Nested
    class NativeFileLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner;
        }

    }

    @Nested
    class SoftFileLocks extends Contract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=soft");
        }

    }

    @Nested
    class NativeReadLocks extends ReadContract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner;
        }

    }

    @Nested
    class SqliteReadLocks extends ReadContract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=sqlite");
        }

    }

    @Nested
    class SoftReadWriteReadLocks extends ReadContract {

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return runner.withPropertyValues("filelock.type=soft-read-write");
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
    class JdbcWriteLocks extends Contract {

        private final PostgresDatabase database = PostgresDatabase.require();

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return onJdbc(runner, this.database);
        }

        @Override
        boolean keepsMinimumPastShutdown() {
            return true;
        }

    }

    /**
     * The jdbc backend has no shared locks: a READ method takes its key's exclusive lock,
     * so it excludes itself.
     */
    @Nested
    class JdbcReadLocks extends Contract {

        private final PostgresDatabase database = PostgresDatabase.require();

        @Override
        ApplicationContextRunner onBackend(ApplicationContextRunner runner) {
            return onJdbc(runner, this.database);
        }

        @Override
        Class<? extends LockedCalls> calls() {
            return ReadHeldAtLeast.class;
        }

        @Override
        boolean keepsMinimumPastShutdown() {
            return true;
        }

    }

    static ApplicationContextRunner onJdbc(ApplicationContextRunner runner, PostgresDatabase database) {
        return runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withPropertyValues(database.properties(PostgresDatabase.newRegion()).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc");
    }

    /**
     * For the read side of a read/write lock: shared with the next READ call, so only a
     * writer is excluded.
     */
    abstract static class ReadContract extends Contract {

        @Override
        Class<? extends LockedCalls> calls() {
            return ReadHeldAtLeast.class;
        }

        @Override
        boolean excludesItself() {
            return false;
        }

    }

    /**
     * What every backend must do; a subclass names the backend, and the READ methods when
     * they are used.
     */
    abstract static class Contract {

        @TempDir
        Path directory;

        abstract ApplicationContextRunner onBackend(ApplicationContextRunner runner);

        Class<? extends LockedCalls> calls() {
            return HeldAtLeast.class;
        }

        /**
         * Whether a second call of the method is excluded while the first one's minimum
         * lasts.
         */
        boolean excludesItself() {
            return true;
        }

        /**
         * Whether the minimum outlives the application context (the jdbc backend keeps it
         * in the lock's row).
         */
        boolean keepsMinimumPastShutdown() {
            return false;
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aCallEndsAtOnceButItsLockStaysHeldExcludingTheNextCallOnTheSameThreadUntilTheContextStops(
                CallStyle style) {
            run(LONG_MINIMUM, (context, calls, probe) -> {
                assertThat(style.run(calls, "job", () -> "ran")).succeedsWithin(GENEROUS).isEqualTo("ran");
                assertThat(probe.isHeld("job")).as("held after the call ended").isTrue();
                // A skipped call has no value (a Flux of none fails CallStyle's last
                // element).
                CompletableFuture<String> next = style.run(calls, "job", () -> "ran again")
                    .handle((value, failure) -> value);
                assertThat(next).succeedsWithin(GENEROUS)
                    .as("the next call, on the same thread")
                    .isEqualTo(excludesItself() ? null : "ran again");
                context.getBean(FileLockedAdvisor.class).stop();
                assertThat(probe.isHeld("job")).as("held after the context stopped")
                    .isEqualTo(keepsMinimumPastShutdown());
            });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aFailingCallFailsAtOnceWithItsOwnExceptionAndKeepsItsMinimum(CallStyle style) {
            run(LONG_MINIMUM, (context, calls, probe) -> {
                IllegalStateException failure = new IllegalStateException("the job failed");
                CompletableFuture<String> outcome = style.run(calls, "failing", () -> {
                    throw failure;
                });
                assertThat(outcome).failsWithin(GENEROUS).withThrowableThat().havingCause().isSameAs(failure);
                assertThat(failure.getSuppressed()).isEmpty();
                assertThat(probe.isHeld("failing")).as("held after the call failed").isTrue();
                context.getBean(FileLockedAdvisor.class).stop();
                assertThat(probe.isHeld("failing")).as("held after the context stopped")
                    .isEqualTo(keepsMinimumPastShutdown());
            });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(CallStyle.class)
        void aCallsLockIsReleasedOnceItsMinimumHasPassed(CallStyle style) {
            run("test.hold-at-least=200ms", (context, calls, probe) -> {
                assertThat(style.run(calls, "short", () -> "ran")).succeedsWithin(GENEROUS).isEqualTo("ran");
                await().atMost(GENEROUS).until(() -> !probe.isHeld("short"));
                assertThat(style.run(calls, "short", () -> "ran again")).succeedsWithin(GENEROUS)
                    .isEqualTo("ran again");
            });
        }

        private void run(String minimum, ContextCallsAndProbe test) {
            new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
                .withPropertyValues("filelock.directory=" + this.directory, minimum)
                .withBean(LockedCalls.class, () -> BeanUtils.instantiateClass(calls()))
                .with(this::onBackend)
                .run((context) -> test.run(context, context.getBean(LockedCalls.class),
                        new Probe(context, LockMode.WRITE)));
        }

    }

    @FunctionalInterface
    interface ContextCallsAndProbe {

        void run(AssertableApplicationContext context, LockedCalls calls, Probe probe) throws Exception;

    }

    /**
     * Skips when the lock is held, and holds it for {@code test.hold-at-least} at least.
     */
    static class HeldAtLeast implements LockedCalls {

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP,
                holdAtLeast = "${test.hold-at-least}")
        public <T> T call(String id, Supplier<T> body) {
            return body.get();
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP,
                holdAtLeast = "${test.hold-at-least}")
        public <T> CompletableFuture<T> future(String id, CompletableFuture<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP,
                holdAtLeast = "${test.hold-at-least}")
        public <T> Mono<T> mono(String id, Mono<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP,
                holdAtLeast = "${test.hold-at-least}")
        public <T> Flux<T> flux(String id, Flux<T> body) {
            return body;
        }

    }

    /** {@link HeldAtLeast} on the read side of the path's read/write lock. */
    static class ReadHeldAtLeast implements LockedCalls {

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP, mode = LockMode.READ,
                holdAtLeast = "${test.hold-at-least}")
        public <T> T call(String id, Supplier<T> body) {
            return body.get();
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP, mode = LockMode.READ,
                holdAtLeast = "${test.hold-at-least}")
        public <T> CompletableFuture<T> future(String id, CompletableFuture<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP, mode = LockMode.READ,
                holdAtLeast = "${test.hold-at-least}")
        public <T> Mono<T> mono(String id, Mono<T> body) {
            return body;
        }

        @Override
        @FileLocked(path = "calls/#{#id}.lock", timeout = "0", onTimeout = OnTimeout.SKIP, mode = LockMode.READ,
                holdAtLeast = "${test.hold-at-least}")
        public <T> Flux<T> flux(String id, Flux<T> body) {
            return body;
        }

    }

}
