package dev.filelock.spring;

import dev.filelock.FileLockException;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.LockRegistryBackend.HeldLock;
import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import dev.filelock.testing.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DefaultLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What {@link LockRegistryBackend} adds to the registry it wraps: keys relative to the
 * lock directory, the listing of held locks, the translation of interrupts and failures,
 * leases, its extension points, and detached holds owned by its threads. The
 * {@link LockBackend} contract itself is {@link DefaultLockRegistryBackendContractTests}.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the hold is
// deliberately unreferenced.
@SuppressWarnings("try")
class LockRegistryBackendTests {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<LockRegistryBackend> backends = new CopyOnWriteArrayList<>();

    private final ScriptedLock scripted = new ScriptedLock();

    @AfterEach
    void closeBackends() {
        this.backends.forEach(LockRegistryBackend::close);
    }

    @Test
    void aKeyBecomesThePathRelativeToTheDirectoryComputedFromItsTextAlone(@TempDir Path outside) throws Exception {
        Files.createSymbolicLink(this.directory.resolve("linked"), outside);
        LockRegistryBackend backend = inMemory(true);
        assertThat(backend.registryKey(this.directory.resolve("orders/42.lock").toString()))
            .isEqualTo("orders/42.lock");
        assertThat(backend.registryKey("orders/./42.lock")).isEqualTo("orders/42.lock");
        assertThat(backend.registryKey("linked/x.lock")).as("never resolved through the link")
            .isEqualTo("linked/x.lock");
    }

    @Test
    void heldLocksListsEveryLevelByKeyWithTheModeAskedForAndTheOwningThreadUntilReleased() {
        LockRegistryBackend backend = inMemory(true);
        String owner = Thread.currentThread().getName();
        try (LockHold b = backend.acquire("b.lock", LockMode.WRITE, Duration.ZERO);
                LockHold a = backend.acquire("a.lock", LockMode.READ, Duration.ZERO);
                LockHold bAgain = backend.acquire("b.lock", LockMode.WRITE, Duration.ZERO)) {
            assertThat(backend.heldLocks()).extracting(HeldLock::key, HeldLock::mode, HeldLock::owner)
                .containsExactly(tuple("a.lock", LockMode.READ, owner), tuple("b.lock", LockMode.WRITE, owner),
                        tuple("b.lock", LockMode.WRITE, owner));
            bAgain.close();
            assertThat(backend.heldLocks()).extracting(HeldLock::key).containsExactly("a.lock", "b.lock");
        }
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void aDetachedHoldIsOwnedByAThreadOfTheBackendAndMayBeClosedByAContinuationOfItsFuture() {
        LockRegistryBackend backend = inMemory(true);
        CompletableFuture<List<HeldLock>> heldWhileOpen = backend
            .acquireDetached("async.lock", LockMode.WRITE, GENEROUS)
            .thenApply((hold) -> {
                List<HeldLock> held = backend.heldLocks();
                hold.close();
                return held;
            });
        assertThat(heldWhileOpen).succeedsWithin(GENEROUS)
            .satisfies((held) -> assertThat(held).singleElement()
                .satisfies((lock) -> assertThat(lock.owner()).isEqualTo("filelock-memory-owner")));
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void aDetachedHoldOutlivesTheBackendsCloseUntilItIsClosed() {
        LockRegistryBackend backend = inMemory(true);
        LockHold hold = backend.acquireDetached("kept.lock", LockMode.WRITE, GENEROUS).join();
        backend.close();
        assertThat(takenByAnotherThread(backend, "kept.lock")).isFalse();
        hold.close();
        assertThat(takenByAnotherThread(backend, "kept.lock")).isTrue();
    }

    @Test
    void anInterruptTheRegistryTurnedIntoAnExceptionIsAnInterruptAgain() {
        this.scripted.onTryLock = new CannotAcquireLockException("Failed to lock mutex",
                new InterruptedException("sleep interrupted"));
        LockRegistryBackend backend = scripted(LeaseKeeper.NONE);
        Worker<LockHold> waiter = Worker.start("waiter", () -> backend.acquire("k.lock", LockMode.WRITE, GENEROUS));
        assertThat(waiter.awaitFailure()).isInstanceOf(FileLockInterruptedException.class)
            .hasCauseInstanceOf(InterruptedException.class);
        assertThat(waiter.wasInterruptedAtEnd()).isTrue();
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void anyOtherFailureOfTheRegistryPassesThroughUnchanged() {
        IllegalStateException down = new IllegalStateException("store down");
        this.scripted.onTryLock = down;
        LockRegistryBackend backend = scripted(LeaseKeeper.NONE);
        assertThatIllegalStateException().isThrownBy(() -> backend.acquire("k.lock", LockMode.WRITE, GENEROUS))
            .isSameAs(down);
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void aNegativeTimeoutWaitsInterruptiblyForEverAndOthersMakeATimedAttempt() {
        LockRegistryBackend backend = scripted(LeaseKeeper.NONE);
        backend.acquire("k.lock", LockMode.WRITE, Duration.ofMillis(-1)).close();
        backend.acquire("k.lock", LockMode.WRITE, Duration.ofSeconds(3)).close();
        backend.acquire("k.lock", LockMode.WRITE, Duration.ZERO).close();
        assertThat(this.scripted.calls).containsExactly("lockInterruptibly", "unlock", "tryLock 3000000000", "unlock",
                "tryLock 0", "unlock");
    }

    @Test
    void theLeaseOfAHeldLockIsKeptAliveUntilTheHoldIsClosedAndEndsBeforeTheUnlock() {
        LockRegistryBackend backend = scripted(recordingLeases(null, true));
        try (LockHold hold = backend.acquire("orders/1.lock", LockMode.WRITE, GENEROUS)) {
            assertThat(this.scripted.calls).containsExactly("tryLock 30000000000", "keep alive orders/1.lock");
        }
        assertThat(this.scripted.calls).endsWith("lease closed", "unlock");
    }

    @Test
    void aLeaseThatCannotStartReleasesTheLockAndSaysWhy() {
        IllegalStateException refused = new IllegalStateException("no renewal connection");
        LockRegistryBackend backend = scripted((key) -> {
            throw refused;
        });
        assertThatIllegalStateException().isThrownBy(() -> backend.acquire("k.lock", LockMode.WRITE, GENEROUS))
            .isSameAs(refused);
        assertThat(this.scripted.calls).endsWith("unlock");
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void aLostLeaseIsNotHeldAndItsReleaseUnlocksThenReportsTheLossWithTheUnlockFailureSuppressed() {
        ConcurrentModificationException lost = new ConcurrentModificationException("lease lost: renewals failed");
        IllegalStateException unlockFailed = new IllegalStateException("row gone");
        this.scripted.onUnlock = unlockFailed;
        LockRegistryBackend backend = scripted(recordingLeases(lost, false));
        LockHold hold = backend.acquire("k.lock", LockMode.WRITE, GENEROUS);
        assertThat(((FencedLockHold) hold).isHeld()).isFalse();
        assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(hold::close)
            .isSameAs(lost)
            .satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(unlockFailed));
        assertThat(this.scripted.calls).endsWith("lease closed", "unlock");
        assertThat(backend.heldLocks()).isEmpty();
    }

    @Test
    void subclassesNameReleaseFailuresAndGiveFencingTokens() {
        this.scripted.onUnlock = new IllegalStateException("row gone");
        LockRegistryBackend backend = new LockRegistryBackend("store", (key) -> this.scripted, this.directory, true,
                LeaseKeeper.NONE) {

            @Override
            protected RuntimeException releaseFailed(String registryKey, RuntimeException failure) {
                return new FileLockException(Path.of(registryKey), "Could not release '" + registryKey + "'", failure);
            }

            @Override
            protected OptionalLong fencingToken(String registryKey) {
                return OptionalLong.of(42);
            }
        };
        this.backends.add(backend);
        FencedLockHold hold = backend.acquire("k.lock", LockMode.WRITE, GENEROUS);
        assertThat(hold.fencingToken()).hasValue(42);
        assertThatExceptionOfType(FileLockException.class).isThrownBy(hold::close)
            .withMessage("Could not release 'k.lock'")
            .withCauseInstanceOf(IllegalStateException.class);
        try (FencedLockHold plain = inMemory(true).acquire("k.lock", LockMode.WRITE, GENEROUS)) {
            assertThat(plain.fencingToken()).isEmpty();
        }
    }

    private LockRegistryBackend inMemory(boolean readAsExclusive) {
        LockRegistryBackend backend = new LockRegistryBackend("memory", new DefaultLockRegistry(), this.directory,
                readAsExclusive, LeaseKeeper.NONE);
        this.backends.add(backend);
        return backend;
    }

    private LockRegistryBackend scripted(LeaseKeeper leases) {
        LockRegistryBackend backend = new LockRegistryBackend("scripted", (key) -> this.scripted, this.directory, true,
                leases);
        this.backends.add(backend);
        return backend;
    }

    /**
     * Leases that record their start and end among the lock's calls, and fail to end with
     * {@code loss} if given.
     */
    private LeaseKeeper recordingLeases(@Nullable RuntimeException loss, boolean valid) {
        return (key) -> {
            this.scripted.calls.add("keep alive " + key);
            return new LeaseKeeper.Lease() {

                @Override
                public void close() {
                    LockRegistryBackendTests.this.scripted.calls.add("lease closed");
                    if (loss != null) {
                        throw loss;
                    }
                }

                @Override
                public boolean isValid() {
                    return valid;
                }
            };
        };
    }

    private static boolean takenByAnotherThread(LockBackend backend, String key) {
        return Worker.start("other thread", () -> {
            try (LockHold hold = backend.acquire(key, LockMode.WRITE, Duration.ZERO)) {
                return true;
            }
            catch (FileLockTimeoutException ex) {
                return false;
            }
        }).awaitResult();
    }

    /**
     * A registry lock that records its calls and fails as the test says; it never
     * excludes anyone.
     */
    private static final class ScriptedLock implements Lock {

        final List<String> calls = new CopyOnWriteArrayList<>();

        volatile @Nullable RuntimeException onTryLock;

        volatile @Nullable RuntimeException onUnlock;

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            this.calls.add("tryLock " + unit.toNanos(time));
            RuntimeException failure = this.onTryLock;
            if (failure != null) {
                throw failure;
            }
            return true;
        }

        @Override
        public void lockInterruptibly() {
            this.calls.add("lockInterruptibly");
        }

        @Override
        public void unlock() {
            this.calls.add("unlock");
            RuntimeException failure = this.onUnlock;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void lock() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean tryLock() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException();
        }

    }

}
