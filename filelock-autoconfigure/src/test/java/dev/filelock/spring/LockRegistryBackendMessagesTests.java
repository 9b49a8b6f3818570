package dev.filelock.spring;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a {@link LockRegistryBackend} (a registry without shared locks, such as
 * {@code filelock.backend=jdbc}) says about READ locks and about use after it was closed.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the hold is
// deliberately unreferenced.
@SuppressWarnings("try")
@ExtendWith(OutputCaptureExtension.class)
class LockRegistryBackendMessagesTests {

    @TempDir
    Path directory;

    @Test
    void readLocksTakeTheExclusiveLockAndTheWarningNamesTheModeNotAnAttribute(CapturedOutput output) {
        LockRegistryBackend backend = new LockRegistryBackend("memory", new DefaultLockRegistry(), this.directory, true,
                LeaseKeeper.NONE);
        try {
            assertThat(backend.supports(LockMode.READ)).isTrue();
            assertThat(backend.supports(LockMode.READ)).isTrue();
            try (LockHold read = backend.acquire("report.lock", LockMode.READ, Duration.ZERO)) {
                assertThat(CompletableFuture
                    .supplyAsync(() -> backend.acquire("report.lock", LockMode.READ, Duration.ZERO)))
                    .failsWithin(Duration.ofSeconds(10))
                    .withThrowableThat()
                    .havingRootCause()
                    .withMessage("The lock 'report.lock' (READ, taken as WRITE) of the 'memory' lock backend was not "
                            + "acquired in time: PT0S");
            }
        }
        finally {
            backend.close();
        }
        assertThat(output.getAll()).contains("The 'memory' lock backend has no shared locks: @FileLocked(mode = READ) "
                + "methods take the exclusive lock of their key, so readers exclude each other (set "
                + "filelock.read-mode-fallback=refuse to refuse them at startup instead)");
        assertThat(output.getAll()).doesNotContain("readWrite");
        assertThat(output.getAll().split("has no shared locks", -1)).hasSize(2);
    }

    @Test
    void aReadLockAskedOfABackendThatRefusesThemSaysWhatToDo() {
        LockRegistryBackend backend = new LockRegistryBackend("memory", new DefaultLockRegistry(), this.directory,
                false, LeaseKeeper.NONE);
        try {
            assertThat(backend.supports(LockMode.READ)).isFalse();
            assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> backend.acquire("report.lock", LockMode.READ, Duration.ZERO))
                .withMessage("The 'memory' lock backend has no shared locks and filelock.read-mode-fallback=refuse, "
                        + "so it cannot take a READ lock: take WRITE, or set filelock.read-mode-fallback=exclusive to "
                        + "take the key's exclusive lock for READ");
        }
        finally {
            backend.close();
        }
    }

    @Test
    void aLockTakenWhileTheBackendClosesIsReleasedAndTheFailureSaysWhy() throws Exception {
        CountDownLatch attempting = new CountDownLatch(1);
        CountDownLatch grant = new CountDownLatch(1);
        SlowLock lock = new SlowLock(attempting, grant);
        LockRegistry<Lock> registry = (key) -> lock;
        LockRegistryBackend backend = new LockRegistryBackend("slow", registry, this.directory, true, LeaseKeeper.NONE);
        CompletableFuture<LockHold> hold = backend.acquireDetached("closing.lock", LockMode.WRITE,
                Duration.ofSeconds(10));
        assertThat(attempting.await(10, TimeUnit.SECONDS)).isTrue();
        backend.close();
        grant.countDown();
        assertThat(hold).failsWithin(Duration.ofSeconds(10))
            .withThrowableThat()
            .havingCause()
            .isInstanceOf(IllegalStateException.class)
            .withMessage("The 'slow' lock backend is closed, so the lock 'closing.lock' was released at once: the "
                    + "application context is shutting down; stop the callers of @FileLocked methods (schedulers, "
                    + "executors) before it closes");
        assertThat(lock.unlocked).succeedsWithin(Duration.ofSeconds(10));
    }

    /**
     * A registry lock that is granted when the test says so, whatever interrupts its
     * owner thread gets meanwhile.
     */
    private static final class SlowLock implements Lock {

        private final CountDownLatch attempting;

        private final CountDownLatch grant;

        final CompletableFuture<Void> unlocked = new CompletableFuture<>();

        SlowLock(CountDownLatch attempting, CountDownLatch grant) {
            this.attempting = attempting;
            this.grant = grant;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            this.attempting.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    this.grant.await();
                    break;
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return true;
        }

        @Override
        public void unlock() {
            this.unlocked.complete(null);
        }

        @Override
        public void lock() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void lockInterruptibly() {
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
