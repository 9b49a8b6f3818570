package dev.filelock.spring;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link FileLockRegistry} with its default locks ({@code flock} read/write
 * locks).
 */
class FileLockRegistryTests {

    @TempDir
    Path temp;

    private FileLockRegistry registry;

    @BeforeEach
    void createRegistry() {
        this.registry = new FileLockRegistry(this.temp);
    }

    @AfterEach
    void closeRegistry() {
        this.registry.close();
    }

    @Test
    void obtainsOneLockObjectPerCanonicalPath() {
        Lock lock = this.registry.obtain("orders/42.lock");
        assertThat(this.registry.obtain("orders/42.lock")).isSameAs(lock);
        assertThat(this.registry.obtain(Path.of("orders", "42.lock"))).isSameAs(lock);
        assertThat(this.registry.obtain("./orders//42.lock")).isSameAs(lock);
        assertThat(this.registry.obtain(this.temp.resolve("orders/42.lock").toString())).isSameAs(lock);
    }

    @Test
    void givesKeysWithEqualHashCodesTheirOwnLocks() {
        // "Aa" and "BB" share a hash code: a striped registry would make them block each
        // other.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Lock first = this.registry.obtain("Aa");
        first.lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(this.registry.obtain("BB")))).isTrue();
            assertThat(inOtherThread(() -> tryLockAndUnlock(this.registry.obtain("Aa")))).isFalse();
        }
        finally {
            first.unlock();
        }
    }

    @Test
    void locksAreReentrantPerThreadAndExcludeOtherThreads() {
        Lock lock = this.registry.obtain("a.lock");
        lock.lock();
        lock.lock();
        lock.unlock();
        assertThat(inOtherThread(() -> tryLockAndUnlock(lock))).isFalse();
        lock.unlock();
        assertThat(inOtherThread(() -> tryLockAndUnlock(lock))).isTrue();
    }

    @Test
    void createsTheLockFileUnderTheDirectory() {
        Lock lock = this.registry.obtain("orders/42.lock");
        lock.lock();
        lock.unlock();
        assertThat(this.temp.resolve("orders/42.lock")).exists();
    }

    @Test
    void refusesUnlockByAThreadThatDoesNotHoldTheLock() {
        Lock lock = this.registry.obtain("a.lock");
        assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock)
            .withMessage("The current thread does not hold the lock '" + this.registry.resolve("a.lock")
                    + "', so it cannot unlock it: call unlock() once per successful lock() or tryLock(), in the thread "
                    + "that took it (in a finally block); to release from another thread, take the lock with "
                    + "FileLockRegistry.acquireDetached and close the hold it returns (a lock force-released through "
                    + "the filelocks endpoint cannot be unlocked any more either)");
        lock.lock();
        try {
            CompletableFuture<Void> otherUnlock = CompletableFuture.runAsync(lock::unlock);
            assertThat(otherUnlock).failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(IllegalMonitorStateException.class);
        }
        finally {
            lock.unlock();
        }
    }

    @Test
    void refusesKeysThatEscapeTheDirectory() {
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain("../escape.lock"))
            .withMessageContaining("'../escape.lock'");
        assertThatIllegalArgumentException().isThrownBy(() -> this.registry.obtain("/etc/passwd"))
            .withMessageContaining("'/etc/passwd'");
        assertThat(this.registry.entries()).isEmpty();
    }

    @Test
    void executeLockedTimesOutWhileAnotherThreadHoldsTheLock() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            Lock lock = this.registry.obtain("busy.lock");
            lock.lock();
            try {
                held.countDown();
                done.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finally {
                lock.unlock();
            }
        });
        held.await();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatExceptionOfType(TimeoutException.class)
            .isThrownBy(() -> this.registry.executeLocked("busy.lock", Duration.ofMillis(50), () -> ran.set(true)))
            .withMessageContaining("busy.lock");
        assertThat(ran).isFalse();
        done.countDown();
        holder.join();
        this.registry.executeLocked("busy.lock", Duration.ofSeconds(10), () -> ran.set(true));
        assertThat(ran).isTrue();
    }

    @Test
    void expiresUnusedEntriesButNeverHeldOnes() {
        Lock held = this.registry.obtain("held.lock");
        Lock unused = this.registry.obtain("unused.lock");
        held.lock();
        try {
            this.registry.expireUnusedOlderThan(-1);
            assertThat(this.registry.entries()).extracting(FileLockRegistry.Entry::key).containsExactly("held.lock");
            assertThat(this.registry.obtain("held.lock")).isSameAs(held);
            assertThat(this.registry.obtain("unused.lock")).isNotSameAs(unused);
        }
        finally {
            held.unlock();
        }
    }

    @Test
    void keepsEntriesUsedMoreRecentlyThanTheAge() {
        this.registry.obtain("recent.lock");
        this.registry.expireUnusedOlderThan(TimeUnit.HOURS.toMillis(1));
        assertThat(this.registry.entries()).extracting(FileLockRegistry.Entry::key).containsExactly("recent.lock");
    }

    @Test
    void dropsUnusedEntriesOnItsOwnWhenFullButKeepsHeldOnes() {
        this.registry.setCacheCapacity(2);
        Lock held = this.registry.obtain("held.lock");
        held.lock();
        try {
            this.registry.obtain("unused.lock");
            this.registry.obtain("new.lock");
            assertThat(this.registry.entries()).extracting(FileLockRegistry.Entry::key)
                .containsExactly("held.lock", "new.lock");
            for (int i = 0; i < 100; i++) {
                this.registry.acquire("orders/" + i + ".lock", LockMode.WRITE, Duration.ZERO).close();
            }
            assertThat(this.registry.entries()).hasSizeLessThanOrEqualTo(2)
                .extracting(FileLockRegistry.Entry::key)
                .contains("held.lock");
        }
        finally {
            held.unlock();
        }
    }

    @Test
    void lockObjectsObtainedBeforeExpiryKeepExcluding() {
        Lock stale = this.registry.obtain("a.lock");
        this.registry.expireUnusedOlderThan(-1);
        stale.lock();
        try {
            assertThat(this.registry.entries()).singleElement()
                .satisfies((entry) -> assertThat(entry.isHeld()).isTrue());
            assertThat(inOtherThread(() -> tryLockAndUnlock(this.registry.obtain("a.lock")))).isFalse();
        }
        finally {
            stale.unlock();
        }
        assertThat(inOtherThread(() -> tryLockAndUnlock(this.registry.obtain("a.lock")))).isTrue();
    }

    @Test
    void listsEntriesWithKeyPathLockAndHoldCount() throws Exception {
        Lock lock = this.registry.obtain("b/second.lock");
        this.registry.obtain("a.lock");
        lock.lock();
        lock.lock();
        try {
            assertThat(this.registry.entries()).satisfiesExactly((first) -> {
                assertThat(first.key()).isEqualTo("a.lock");
                assertThat(first.holdCount()).isZero();
            }, (second) -> {
                assertThat(second.key()).isEqualTo("b/second.lock");
                assertThat(second.path()).isEqualTo(this.temp.toRealPath().resolve("b/second.lock"));
                assertThat(second.lock()).isInstanceOf(ReadWriteFileLock.class);
                assertThat(second.holdCount()).isEqualTo(2);
            });
        }
        finally {
            lock.unlock();
            lock.unlock();
        }
        assertThat(this.registry.entries()).allSatisfy((entry) -> assertThat(entry.isHeld()).isFalse());
    }

    @Test
    void detachedHoldsCanBeReleasedByAnotherThread() {
        LockHold hold = this.registry.acquireDetached("async.lock", LockMode.WRITE, Duration.ofSeconds(10)).join();
        assertThat(tryLockAndUnlock(this.registry.obtain("async.lock"))).isFalse();
        CompletableFuture.runAsync(hold::close).join();
        assertThat(tryLockAndUnlock(this.registry.obtain("async.lock"))).isTrue();
        assertThat(this.registry.entries()).singleElement().satisfies((entry) -> assertThat(entry.isHeld()).isFalse());
    }

    @Test
    void acquireThrowsTimeoutExceptionWhenTheLockIsBusy() {
        try (LockHold hold = this.registry.acquire("busy.lock", LockMode.WRITE, Duration.ZERO)) {
            assertThat(hold.path()).hasFileName("busy.lock");
            CompletableFuture<LockHold> other = CompletableFuture
                .supplyAsync(() -> this.registry.acquire("busy.lock", LockMode.WRITE, Duration.ZERO));
            assertThat(other).failsWithin(Duration.ofSeconds(10))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(FileLockTimeoutException.class);
        }
        assertThat(this.registry.entries()).singleElement().satisfies((entry) -> assertThat(entry.isHeld()).isFalse());
    }

    @Test
    void readLocksAreSharedAndWriteLocksExclusive() {
        ReadWriteLock readWrite = this.registry.obtainReadWrite("catalog.db");
        assertThat(this.registry.obtainReadWrite("./catalog.db")).isSameAs(readWrite);
        readWrite.readLock().lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(readWrite.readLock()))).isTrue();
            assertThat(inOtherThread(() -> tryLockAndUnlock(readWrite.writeLock()))).isFalse();
        }
        finally {
            readWrite.readLock().unlock();
        }
        readWrite.writeLock().lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(readWrite.readLock()))).isFalse();
            assertThat(this.registry.entries()).singleElement().satisfies((entry) -> {
                assertThat(entry.lock()).isInstanceOf(ReadWriteFileLock.class);
                assertThat(entry.holdCount()).isOne();
            });
        }
        finally {
            readWrite.writeLock().unlock();
        }
        assertThat(inOtherThread(() -> tryLockAndUnlock(readWrite.writeLock()))).isTrue();
    }

    @Test
    void theLockOfAKeyIsTheWriteSideOfItsReadWriteLock() {
        Lock lock = this.registry.obtain("mixed.lock");
        ReadWriteLock readWrite = this.registry.obtainReadWrite("mixed.lock");
        assertThat(readWrite.writeLock()).isSameAs(lock);
        lock.lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(readWrite.readLock()))).isFalse();
        }
        finally {
            lock.unlock();
        }
        readWrite.readLock().lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(lock))).isFalse();
        }
        finally {
            readWrite.readLock().unlock();
        }
    }

    @Test
    void readWriteLocksObtainedBeforeExpiryKeepWorking() {
        ReadWriteLock stale = this.registry.obtainReadWrite("catalog.db");
        this.registry.expireUnusedOlderThan(-1);
        assertThat(this.registry.entries()).isEmpty();
        stale.writeLock().lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(this.registry.obtainReadWrite("catalog.db").readLock())))
                .isFalse();
        }
        finally {
            stale.writeLock().unlock();
        }
    }

    @Test
    void closeDropsUnusedEntriesButNeverLosesAHold() {
        Lock held = this.registry.obtain("held.lock");
        ReadWriteLock idle = this.registry.obtainReadWrite("idle.db");
        held.lock();
        this.registry.close();
        assertThat(this.registry.entries()).extracting(FileLockRegistry.Entry::key).containsExactly("held.lock");
        assertThat(inOtherThread(() -> tryLockAndUnlock(held))).isFalse();
        held.unlock();
        assertThat(inOtherThread(() -> tryLockAndUnlock(held))).isTrue();
        assertThat(inOtherThread(() -> tryLockAndUnlock(idle.writeLock()))).isTrue();
    }

    @Test
    void conditionsAreNotSupportedAndTheMessageSaysWhatToUseInstead() {
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> this.registry.obtain("a.lock").newCondition())
            .withMessage("File locks do not support conditions: wait on a condition of an in-JVM lock (a "
                    + "ReentrantLock) while holding the file lock instead");
    }

    @Test
    void aRegistryOfExclusiveLocksThatRefusesReadersSaysWhatToDo() {
        FileLockRegistry soft = new FileLockRegistry(this.temp, SoftFileLock::of, false);
        assertThat(soft.supports(LockMode.WRITE)).isTrue();
        assertThat(soft.supports(LockMode.READ)).isFalse();
        assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> soft.obtainReadWrite("a.db"))
            .withMessage("This FileLockRegistry has exclusive locks only and refuses READ locks, so it cannot lock "
                    + "'a.db' for reading: take the write lock (obtain(key)), or use a registry with read/write locks "
                    + "(filelock.type=native, sqlite or soft-read-write; with filelock.type=soft, "
                    + "filelock.read-mode-fallback=exclusive takes the exclusive lock instead)");
        assertThatExceptionOfType(UnsupportedOperationException.class)
            .isThrownBy(() -> soft.acquire("a.db", LockMode.READ, Duration.ZERO))
            .withMessageContaining("cannot lock 'a.db' for reading");
        Lock lock = soft.obtain("soft.lock");
        lock.lock();
        try {
            assertThat(this.temp.resolve("soft.lock")).exists();
            assertThat(soft.entries()).singleElement()
                .satisfies((entry) -> assertThat(entry.lock()).isInstanceOf(SoftFileLock.class));
        }
        finally {
            lock.unlock();
        }
    }

    @Test
    void aRegistryOfExclusiveLocksCanTakeItsLockForReaders() {
        FileLockRegistry soft = new FileLockRegistry(this.temp, SoftFileLock::of, true);
        assertThat(soft.supports(LockMode.READ)).isTrue();
        Lock read = soft.obtainReadWrite("soft.lock").readLock();
        read.lock();
        try {
            assertThat(inOtherThread(() -> tryLockAndUnlock(read))).as("readers exclude each other").isFalse();
            assertThat(inOtherThread(() -> tryLockAndUnlock(soft.obtain("soft.lock")))).isFalse();
        }
        finally {
            read.unlock();
        }
        assertThat(inOtherThread(() -> tryLockAndUnlock(soft.obtain("soft.lock")))).isTrue();
    }

    @Test
    void aKeyNamingADirectoryIsRefusedSayingWhatAKeyMustName() throws Exception {
        Files.createDirectories(this.temp.resolve("orders"));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.registry.acquire("orders", LockMode.WRITE, Duration.ZERO))
            .withMessage("Lock key 'orders' names a directory, not a lock file; keys must name a file inside the lock "
                    + "directory '" + this.temp.toRealPath() + "'");
    }

    @Test
    void aKeyIsResolvedOnceWhileItsEntryLivesAndAgainAfterExpiry() throws Exception {
        Path locks = Files.createDirectories(this.temp.resolve("locks"));
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        FileLockRegistry confined = new FileLockRegistry(locks);
        Files.createDirectories(locks.resolve("orders"));
        Lock first = confined.obtain("orders/42.lock");

        Files.delete(locks.resolve("orders"));
        Files.createSymbolicLink(locks.resolve("orders"), outside);

        assertThat(confined.obtain("orders/42.lock")).isSameAs(first);
        confined.expireUnusedOlderThan(0);
        assertThatIllegalArgumentException().isThrownBy(() -> confined.obtain("orders/42.lock"))
            .withMessageContaining("orders/42.lock")
            .withMessageContaining("points outside the lock directory");
        confined.close();
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
