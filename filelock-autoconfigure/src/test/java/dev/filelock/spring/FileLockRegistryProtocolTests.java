package dev.filelock.spring;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The contract of a {@link FileLockRegistry} for every lock protocol that
 * {@code filelock.type} selects: on one key, READ and WRITE exclude each other,
 * {@code obtain(key)} is the write side, and Spring Integration's registry scenarios
 * (reentrancy, interruptible waits, another registry standing for another process,
 * {@code executeLocked}, unlock by a non-holder) hold.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the hold is
// deliberately unreferenced.
@SuppressWarnings("try")
@ExtendWith(OutputCaptureExtension.class)
class FileLockRegistryProtocolTests {

    private static final Duration GENEROUS = Duration.ofSeconds(10);

    /** The registries of the {@code filelock.type} values. */
    enum Protocol {

        NATIVE(FileLockRegistry::new, true),

        SQLITE((directory) -> new FileLockRegistry(directory, ReadWriteFileLock::of), true),

        SOFT((directory) -> new FileLockRegistry(directory, SoftFileLock::of, true), false),

        SOFT_READ_WRITE((directory) -> new FileLockRegistry(directory, SoftReadWriteFileLock::of), true);

        private final Function<Path, FileLockRegistry> registries;

        final boolean sharesReads;

        Protocol(Function<Path, FileLockRegistry> registries, boolean sharesReads) {
            this.registries = registries;
            this.sharesReads = sharesReads;
        }

        FileLockRegistry registry(Path directory) {
            return this.registries.apply(directory);
        }

    }

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void readAndWriteOnOneKeyExcludeEachOther(Protocol protocol) {
        try (FileLockRegistry registry = protocol.registry(this.directory)) {
            try (LockHold write = registry.acquire("jobs/p.lock", LockMode.WRITE, GENEROUS)) {
                assertThat(inOtherThread(() -> canTake(registry, LockMode.READ))).isFalse();
                assertThat(inOtherThread(() -> canTake(registry, LockMode.WRITE))).isFalse();
            }
            try (LockHold read = registry.acquire("jobs/p.lock", LockMode.READ, GENEROUS)) {
                assertThat(inOtherThread(() -> canTake(registry, LockMode.WRITE))).isFalse();
                assertThat(inOtherThread(() -> canTake(registry, LockMode.READ))).isEqualTo(protocol.sharesReads);
            }
            assertThat(inOtherThread(() -> canTake(registry, LockMode.WRITE))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void readAndWriteOfTwoRegistriesExcludeEachOtherAsTwoProcessesWould(Protocol protocol) {
        try (FileLockRegistry first = protocol.registry(this.directory);
                FileLockRegistry second = protocol.registry(this.directory)) {
            Lock read = first.obtainReadWrite("shared.lock").readLock();
            read.lock();
            try {
                assertThat(inOtherThread(() -> tryLockAndUnlock(second.obtain("shared.lock")))).isFalse();
            }
            finally {
                read.unlock();
            }
            Lock write = first.obtain("shared.lock");
            write.lock();
            try {
                assertThat(inOtherThread(() -> tryLockAndUnlock(second.obtainReadWrite("shared.lock").readLock())))
                    .isFalse();
            }
            finally {
                write.unlock();
            }
            assertThat(inOtherThread(() -> tryLockAndUnlock(second.obtainReadWrite("shared.lock").readLock())))
                .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void obtainIsReentrantAndExcludesReadersUntilItsLastLevelIsReleased(Protocol protocol) throws Exception {
        try (FileLockRegistry registry = protocol.registry(this.directory)) {
            Lock lock = registry.obtain("reentrant.lock");
            lock.lock();
            assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
            lock.unlock();
            assertThat(inOtherThread(() -> tryLockAndUnlock(registry.obtainReadWrite("reentrant.lock").readLock())))
                .isFalse();
            lock.unlock();
            assertThat(inOtherThread(() -> tryLockAndUnlock(registry.obtainReadWrite("reentrant.lock").readLock())))
                .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aWriterWaitingBehindAReaderCanBeInterrupted(Protocol protocol) throws Exception {
        try (FileLockRegistry registry = protocol.registry(this.directory)) {
            Lock read = registry.obtainReadWrite("interrupted.lock").readLock();
            read.lock();
            try {
                CountDownLatch waiting = new CountDownLatch(1);
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                Thread writer = new Thread(() -> {
                    waiting.countDown();
                    try {
                        registry.obtain("interrupted.lock").lockInterruptibly();
                        outcome.complete(null);
                    }
                    catch (Throwable ex) {
                        outcome.complete(ex);
                    }
                });
                writer.start();
                assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
                writer.interrupt();
                assertThat(outcome).succeedsWithin(GENEROUS).isInstanceOf(InterruptedException.class);
            }
            finally {
                read.unlock();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void executeLockedRunsUnderTheWriteLock(Protocol protocol) throws Exception {
        try (FileLockRegistry registry = protocol.registry(this.directory)) {
            boolean readerExcluded = registry.executeLocked("executed.lock", GENEROUS,
                    () -> !inOtherThread(() -> tryLockAndUnlock(registry.obtainReadWrite("executed.lock").readLock())));
            assertThat(readerExcluded).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void onlyTheHolderCanUnlock(Protocol protocol) {
        try (FileLockRegistry registry = protocol.registry(this.directory)) {
            Lock read = registry.obtainReadWrite("held.lock").readLock();
            read.lock();
            try {
                assertThat(CompletableFuture.runAsync(read::unlock)).failsWithin(GENEROUS)
                    .withThrowableThat()
                    .havingRootCause()
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .withMessageContaining("does not hold the read lock");
            }
            finally {
                read.unlock();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aReadNestedInTheSameThreadsWriteRunsUnderTheWriteLock(Protocol protocol) {
        try (FileLockRegistry registry = protocol.registry(this.directory);
                LockHold write = registry.acquire("nested.lock", LockMode.WRITE, GENEROUS)) {
            try (LockHold read = registry.acquire("nested.lock", LockMode.READ, Duration.ZERO)) {
                assertThat(inOtherThread(() -> canTake(registry, "nested.lock", LockMode.READ))).isFalse();
            }
            assertThat(inOtherThread(() -> canTake(registry, "nested.lock", LockMode.READ)))
                .as("the outer write level is still held")
                .isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = "SOFT", mode = EnumSource.Mode.EXCLUDE)
    void aWriteNestedInTheSameThreadsReadIsRefusedAtOnceNamingTheFix(Protocol protocol) {
        try (FileLockRegistry registry = protocol.registry(this.directory);
                LockHold read = registry.acquire("upgrade.lock", LockMode.READ, GENEROUS)) {
            assertThatIllegalStateException()
                .isThrownBy(() -> registry.acquire("upgrade.lock", LockMode.WRITE, Duration.ofMinutes(1)))
                .withMessage("Cannot take the WRITE lock of 'upgrade.lock': this thread holds its READ lock, and a "
                        + "read lock cannot be upgraded (two readers upgrading would wait for each other for ever). "
                        + "Take WRITE from the start: for nested @FileLocked methods on one path, remove "
                        + "mode = READ from the outer method; with the Lock API, unlock the read lock first");
            assertThat(registry.entries()).singleElement()
                .satisfies((entry) -> assertThat(entry.holdCount()).as("the refused call holds nothing").isOne());
        }
    }

    @Test
    void readersOfARegistryOfExclusiveLocksTakeTheExclusiveLockAndSayItOnce(CapturedOutput output) {
        try (FileLockRegistry registry = Protocol.SOFT.registry(this.directory)) {
            assertThat(registry.supports(LockMode.READ)).isTrue();
            assertThat(registry.supports(LockMode.READ)).isTrue();
        }
        assertThat(output.getAll()).contains("The lock type of this FileLockRegistry has no shared mode: READ locks "
                + "take the exclusive lock of their key, so readers exclude each other (with filelock.type=soft, set "
                + "filelock.type=soft-read-write for shared readers, or filelock.read-mode-fallback=refuse to refuse "
                + "READ at startup)");
        assertThat(output.getAll().split("has no shared mode", -1)).hasSize(2);
    }

    private static boolean canTake(FileLockRegistry registry, LockMode mode) {
        return canTake(registry, "jobs/p.lock", mode);
    }

    private static boolean canTake(FileLockRegistry registry, String key, LockMode mode) {
        try {
            registry.acquire(key, mode, Duration.ZERO).close();
            return true;
        }
        catch (FileLockTimeoutException ex) {
            return false;
        }
    }

    private static boolean tryLockAndUnlock(Lock lock) {
        if (lock.tryLock()) {
            lock.unlock();
            return true;
        }
        return false;
    }

    private static <T> T inOtherThread(Supplier<T> action) {
        return CompletableFuture.supplyAsync(action).join();
    }

}
