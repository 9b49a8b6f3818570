package dev.filelock.spring;

import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The contract of the {@link LockBackend} SPI, as tests that every backend passes: a
 * subclass names the {@code filelock.*} properties from which the auto-configuration
 * builds its backend, and declares where the backend legitimately differs through the
 * capabilities {@link #readLocks()} and {@link #seesOtherProcesses()}.
 *
 * <p>
 * One application context serves the whole class; each test locks keys of its own.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the hold is
// deliberately unreferenced.
@SuppressWarnings("try")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractLockBackendContractTests {

    /** Long enough for any wait that must succeed, so that only a hang fails it. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    /** What a backend does with {@link LockMode#READ}. */
    protected enum ReadLocks {

        /** Readers share a key with each other and exclude writers. */
        SHARED,

        /** A reader takes the key's exclusive lock: readers exclude each other too. */
        EXCLUSIVE,

        /**
         * {@link LockBackend#supports} says no and acquisitions throw
         * {@link UnsupportedOperationException}.
         */
        REFUSED

    }

    private Path directory;

    private ConfigurableApplicationContext context;

    private LockBackend backend;

    /**
     * Returns the properties of the backend under test, also given to the child JVM that
     * holds a lock as another process.
     * @param directory the lock directory of this test class ({@code filelock.directory})
     * @return {@code name=value} properties
     */
    protected abstract List<String> properties(Path directory);

    /**
     * Tells what the backend does with {@link LockMode#READ}.
     * @return {@link ReadLocks#SHARED} unless overridden
     */
    protected ReadLocks readLocks() {
        return ReadLocks.SHARED;
    }

    /**
     * Tells whether a lock held by another process excludes this one; a backend whose
     * locks live in the JVM's memory says {@code false}, and the contract then checks
     * that they indeed do not.
     * @return {@code true} unless overridden
     */
    protected boolean seesOtherProcesses() {
        return true;
    }

    @BeforeAll
    void startBackend(@TempDir Path directory) {
        this.directory = directory;
        this.context = LockBackendApplication.start(properties(this.directory));
        this.backend = this.context.getBean(LockBackend.class);
    }

    @AfterAll
    void stopBackend() {
        if (this.context != null) {
            this.context.close();
        }
    }

    /** Returns the backend under test. */
    protected LockBackend backend() {
        return this.backend;
    }

    @Test
    void aKeyLeadingOutOfTheLockDirectoryIsRefusedByEveryOperationAndTheMessageNamesIt() {
        String key = "../outside.lock";
        assertThatIllegalArgumentException().isThrownBy(() -> this.backend.validateKey(key)).withMessageContaining(key);
        assertThatIllegalArgumentException().isThrownBy(() -> this.backend.acquire(key, LockMode.WRITE, GENEROUS))
            .withMessageContaining(key);
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.backend.acquireDetached(key, LockMode.WRITE, GENEROUS))
            .withMessageContaining(key);
    }

    @Test
    void aKeyInsideTheLockDirectoryIsValid() {
        this.backend.validateKey("contract/valid.lock");
    }

    @Test
    void writeLocksAreAlwaysSupported() {
        assertThat(this.backend.supports(LockMode.WRITE)).isTrue();
    }

    @Test
    void aThreadMayTakeItsLockAgainAndOtherThreadsWaitUntilItReleasedEveryLevel() {
        String key = key("reentrant");
        LockHold outer = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO);
        LockHold inner = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO);
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
        inner.close();
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
        outer.close();
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isTrue();
    }

    @Test
    void closingAHoldTwiceReleasesOneLevelOnly() {
        String key = key("close-twice");
        try (LockHold outer = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            LockHold inner = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO);
            inner.close();
            inner.close();
            assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
        }
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isTrue();
    }

    @Test
    void aThreadWaitingForALockGetsItWhenItIsReleased() {
        String key = key("waiter");
        Worker<Boolean> waiter;
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            waiter = Worker.start("waiter", () -> {
                try (LockHold taken = this.backend.acquire(key, LockMode.WRITE, GENEROUS)) {
                    return true;
                }
            });
            waiter.awaitParked();
            assertThat(waiter.isDone()).isFalse();
        }
        assertThat(waiter.awaitResult()).isTrue();
    }

    @Test
    void aZeroTimeoutMakesOneAttemptAndTheTimeoutNamesTheKey() {
        String key = key("busy");
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            Throwable failure = Worker
                .start("other thread", () -> this.backend.acquire(key, LockMode.WRITE, Duration.ZERO))
                .awaitFailure();
            assertThat(failure).isInstanceOf(FileLockTimeoutException.class).hasMessageContaining(key);
            assertThat(((FileLockTimeoutException) failure).path()).endsWithRaw(Path.of(key));
        }
    }

    @Test
    void anInterruptedWaitThrowsFileLockInterruptedExceptionAndKeepsTheInterruptStatus() {
        String key = key("interrupted");
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            Worker<LockHold> waiter = Worker.start("waiter",
                    () -> this.backend.acquire(key, LockMode.WRITE, Duration.ofSeconds(-1)));
            waiter.awaitParked();
            waiter.interrupt();
            assertThat(waiter.awaitFailure()).isInstanceOf(FileLockInterruptedException.class);
            assertThat(waiter.wasInterruptedAtEnd()).isTrue();
        }
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isTrue();
    }

    @Test
    void readLocksAreSharedTakenExclusiveOrRefusedAsTheBackendDeclares() {
        String key = key("read");
        ReadLocks readLocks = readLocks();
        assertThat(this.backend.supports(LockMode.READ)).isEqualTo(readLocks != ReadLocks.REFUSED);
        if (readLocks == ReadLocks.REFUSED) {
            assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> this.backend.acquire(key, LockMode.READ, GENEROUS));
            assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> this.backend.acquireDetached(key, LockMode.READ, GENEROUS));
            return;
        }
        try (LockHold read = this.backend.acquire(key, LockMode.READ, Duration.ZERO)) {
            assertThat(canTakeInAnotherThread(key, LockMode.READ)).isEqualTo(readLocks == ReadLocks.SHARED);
            assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
            if (readLocks == ReadLocks.SHARED) {
                LockHold detached = this.backend.acquireDetached(key, LockMode.READ, Duration.ZERO).join();
                read.close();
                assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
                detached.close();
            }
        }
        try (LockHold write = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            assertThat(canTakeInAnotherThread(key, LockMode.READ)).isFalse();
        }
        assertThat(canTakeInAnotherThread(key, LockMode.READ)).isTrue();
    }

    @Test
    void aDetachedHoldExcludesEveryThreadTheCallerIncludedAndAnyThreadMayReleaseIt() {
        String key = key("detached");
        LockHold hold = this.backend.acquireDetached(key, LockMode.WRITE, GENEROUS).join();
        assertThatExceptionOfType(FileLockTimeoutException.class)
            .isThrownBy(() -> this.backend.acquire(key, LockMode.WRITE, Duration.ZERO));
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isFalse();
        Worker.start("releaser", () -> {
            hold.close();
            return null;
        }).awaitResult();
        try (LockHold again = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            assertThat(again.path()).endsWithRaw(Path.of(key));
        }
    }

    @Test
    void aDetachedAcquisitionWithAZeroTimeoutFailsItsFutureWithTheKey() {
        String key = key("detached-busy");
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            CompletableFuture<LockHold> attempt = this.backend.acquireDetached(key, LockMode.WRITE, Duration.ZERO);
            assertThat(attempt).failsWithin(GENEROUS)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(FileLockTimeoutException.class)
                .withMessageContaining(key);
        }
    }

    @Test
    void cancellingADetachedAcquisitionThatWaitsLeavesTheLockFree() {
        String key = key("cancel-waiting");
        CompletableFuture<LockHold> waiting;
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            waiting = this.backend.acquireDetached(key, LockMode.WRITE, GENEROUS);
            assertThat(waiting.cancel(true)).isTrue();
        }
        assertThat(waiting).isCancelled();
        awaitFree(key);
    }

    @Test
    void cancellingDetachedAcquisitionsAsTheyAreGrantedNeverLeaksAHold() throws Exception {
        String key = key("cancel-race");
        for (int round = 0; round < 20; round++) {
            CompletableFuture<LockHold> acquisition = this.backend.acquireDetached(key, LockMode.WRITE, GENEROUS);
            if (!acquisition.cancel(true)) {
                acquisition.get(GENEROUS.toSeconds(), TimeUnit.SECONDS).close();
            }
            awaitFree(key);
        }
    }

    @Test
    void closingABackendTwiceIsHarmlessAndLeavesItsReleasedLocksFree() throws Exception {
        String key = key("closed-backend");
        try (ConfigurableApplicationContext other = LockBackendApplication.start(properties(this.directory))) {
            LockBackend closing = other.getBean(LockBackend.class);
            closing.acquire(key, LockMode.WRITE, Duration.ZERO).close();
            assertThat(closing).isInstanceOf(AutoCloseable.class);
            ((AutoCloseable) closing).close();
            ((AutoCloseable) closing).close();
        }
        assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isTrue();
    }

    @Test
    void aLockHeldByAnotherProcessExcludesThisOneWhereTheBackendSeesOtherProcesses() {
        String key = key("other-process");
        List<String> arguments = new ArrayList<>(properties(this.directory));
        arguments.add("logging.level.root=warn");
        try (ChildProcess child = ChildJvm.start("lock backend holder", LockBackendApplication.class,
                arguments.toArray(String[]::new))) {
            child.awaitReady();
            assertThat(child.call("acquire " + key)).as(child::describe).isEqualTo("held");
            if (seesOtherProcesses()) {
                assertThatExceptionOfType(FileLockTimeoutException.class)
                    .isThrownBy(() -> this.backend.acquire(key, LockMode.WRITE, Duration.ZERO))
                    .withMessageContaining(key);
            }
            else {
                assertThat(canTakeInAnotherThread(key, LockMode.WRITE)).isTrue();
            }
            assertThat(child.call("release")).as(child::describe).isEqualTo("released");
            child.call(ChildMain.QUIT);
            assertThat(child.awaitExit()).as(child::describe).isZero();
        }
        try (LockHold hold = this.backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
            assertThat(hold.path()).endsWithRaw(Path.of(key));
        }
    }

    /**
     * Returns a key of this test class's own, under a directory as real keys often are.
     */
    protected static String key(String name) {
        return "contract/" + name + ".lock";
    }

    /**
     * Makes one attempt from a new thread (which owns none of the caller's holds) and
     * releases what it took.
     */
    protected boolean canTakeInAnotherThread(String key, LockMode mode) {
        return Worker.start("other thread", () -> {
            try (LockHold hold = this.backend.acquire(key, mode, Duration.ZERO)) {
                return true;
            }
            catch (FileLockTimeoutException ex) {
                return false;
            }
        }).awaitResult();
    }

    /**
     * A cancelled acquisition may still be granted and then released on another thread:
     * give it time to.
     */
    private void awaitFree(String key) {
        await().atMost(Duration.ofSeconds(10)).until(() -> canTakeInAnotherThread(key, LockMode.WRITE));
    }

}
