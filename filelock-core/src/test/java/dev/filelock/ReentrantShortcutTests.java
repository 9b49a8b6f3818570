package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.testing.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock object remembers the holder it saw last, so that a nested acquire or release by
 * that holder skips the general path. These tests check that the shortcut never lends one
 * thread's levels to another thread of the same lock object, and that it keeps counting
 * right while the holder it remembers changes.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class ReentrantShortcutTests {

    @TempDir
    Path directory;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeLocks() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void anotherThreadOfAPerThreadFileLockObjectDoesNotReenterTheHolder() throws Exception {
        FileLock lock = FileLock.of(directory.resolve("exclusive.lock"));
        try (LockHold held = lock.acquire()) {
            Worker<List<Object>> stranger = Worker.start("stranger", () -> {
                List<Object> seen = new ArrayList<>();
                seen.add(lock.tryAcquire().isPresent());
                seen.add(lock.tryLock());
                seen.add(lock.holdCount());
                lock.release(true);
                return seen;
            });
            assertThat(stranger.awaitResult()).containsExactly(false, false, 0);
            assertThat(Worker.start("unlocker", () -> {
                lock.unlock();
                return null;
            }).awaitFailure()).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.holdCount()).isEqualTo(1);
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void aHoldClosedAfterAForcedReleaseLeavesALaterAcquisitionAlone() {
        FileLock lock = FileLock.of(directory.resolve("stale-hold.lock"));
        LockHold stale = lock.acquire();
        lock.release(true);

        try (LockHold current = lock.acquire()) {
            stale.close();
            assertThat(lock.holdCount()).isEqualTo(1);
            assertThat(FileLock.of(directory.resolve("stale-hold.lock")).tryAcquire()).isEmpty();
        }
        assertThat(lock.isHeldByCurrentThread()).isFalse();
    }

    @Test
    void aReadWriteHoldClosedAfterAForcedReleaseLeavesALaterAcquisitionAlone() {
        ReadWriteFileLock lock = ReadWriteFileLock.of(directory.resolve("stale-hold.db"));
        toClose.add(lock);
        LockHold stale = lock.acquireWrite();
        lock.release(true);

        try (LockHold current = lock.acquireWrite()) {
            stale.close();
            assertThat(lock.holdCount()).isEqualTo(1);
            assertThat(lock.heldMode()).contains(LockMode.WRITE);
        }
        assertThat(lock.holdCount()).isZero();
    }

    @Test
    void holdsAndLockMethodsOfAFileLockCountOnTheSameLevels() {
        FileLock lock = FileLock.of(directory.resolve("exclusive.lock"));
        LockHold outer = lock.acquire();
        lock.lock();
        Optional<LockHold> third = lock.tryAcquire();
        assertThat(lock.holdCount()).isEqualTo(3);
        lock.unlock();
        third.orElseThrow().close();
        assertThat(lock.holdCount()).isEqualTo(1);
        outer.close();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void aPerThreadReadWriteLockObjectCountsTheLevelsOfEachThreadApart() throws Exception {
        ReadWriteFileLock lock = readWriteLock();
        LockHold mainFirst = lock.acquireRead();
        LockHold mainSecond = lock.acquireRead();
        // The other thread's reads become the ones the lock object remembers; ours must
        // still count on their own.
        Worker<List<Integer>> otherReader = Worker.start("other reader", () -> {
            List<Integer> counters = new ArrayList<>();
            LockHold first = lock.acquireRead();
            lock.readLock().lock();
            try (LockHold third = lock.acquireRead()) {
                counters.add(lock.holdCount());
            }
            lock.readLock().unlock();
            counters.add(lock.holdCount());
            first.close();
            counters.add(lock.holdCount());
            return counters;
        });
        assertThat(otherReader.awaitResult()).containsExactly(3, 1, 0);
        assertThat(lock.holdCount()).isEqualTo(2);
        try (LockHold mainThird = lock.acquireRead()) {
            assertThat(lock.holdCount()).isEqualTo(3);
        }
        mainSecond.close();
        mainFirst.close();
        assertThat(lock.heldMode()).isEmpty();
        try (LockHold write = readWriteLock().tryAcquireWrite().orElseThrow()) {
            assertThat(write.path()).isEqualTo(lock.path());
        }
    }

    @Test
    void anotherThreadDoesNotReenterAWriteHeldThroughTheSameReadWriteLockObject() throws Exception {
        ReadWriteFileLock lock = readWriteLock();
        try (LockHold write = lock.acquireWrite()) {
            Worker<List<Object>> stranger = Worker.start("stranger", () -> {
                List<Object> seen = new ArrayList<>();
                seen.add(lock.tryAcquireWrite().isPresent());
                seen.add(lock.writeLock().tryLock());
                seen.add(lock.holdCount());
                lock.release(true);
                return seen;
            });
            assertThat(stranger.awaitResult()).containsExactly(false, false, 0);
            assertThat(Worker.start("unlocker", () -> {
                lock.writeLock().unlock();
                return null;
            }).awaitFailure()).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.holdCount()).isEqualTo(1);
        }
        assertThat(lock.heldMode()).isEmpty();
    }

    @Test
    void aNestedAcquireThroughAClosedReadWriteLockObjectIsRefused() {
        ReadWriteFileLock lock = readWriteLock();
        lock.acquireWrite();
        lock.writeLock().lock();
        lock.close();
        assertThatThrownBy(lock::acquireWrite).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> lock.writeLock().tryLock()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lock.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(lock.holdCount()).isZero();
    }

    @Test
    void aNestedAcquireInTheOtherModeIsStillRefusedAfterNestedLevels() {
        ReadWriteFileLock lock = readWriteLock();
        try (LockHold read = lock.acquireRead(); LockHold nested = lock.acquireRead()) {
            assertThatThrownBy(lock::acquireWrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("upgrade");
            assertThatThrownBy(() -> lock.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.holdCount()).isEqualTo(2);
        }
        try (LockHold write = lock.acquireWrite(); LockHold nested = lock.acquireWrite()) {
            assertThatThrownBy(lock::acquireRead).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("downgrade");
            assertThat(lock.holdCount()).isEqualTo(2);
        }
        assertThat(lock.heldMode()).isEmpty();
    }

    private ReadWriteFileLock readWriteLock() {
        ReadWriteFileLock lock = ReadWriteFileLock.of(directory.resolve("shared.db"));
        toClose.add(lock);
        return lock;
    }

}
