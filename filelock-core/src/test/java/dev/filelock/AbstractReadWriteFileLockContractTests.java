package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ReadWriteFileLock} shares (Python's
 * {@code test_read_write*.py} and {@code
 * test_async_read_write.py}, as far as they apply to Java), run against the lock returned
 * by {@link #createLock}. Contention comes from other lock objects on the same path and
 * from other threads of this JVM.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
abstract class AbstractReadWriteFileLockContractTests {

    private static final Duration SHORT = Duration.ofMillis(100);

    @TempDir
    Path directory;

    private final List<ReadWriteFileLock> locks = new ArrayList<>();

    /**
     * Creates the lock under test.
     * @param path the lock path
     * @param timeout the default timeout
     * @param blocking whether acquisitions wait
     * @param ownership who owns holds
     */
    protected abstract ReadWriteFileLock createLock(Path path, Duration timeout, boolean blocking, Ownership ownership);

    /**
     * The lock path used by the tests; override to give the lock type its usual file
     * name.
     */
    protected Path lockPath() {
        return directory.resolve("contract.lock");
    }

    ReadWriteFileLock newLock() {
        return newLock(Duration.ofSeconds(-1), true, Ownership.THREAD);
    }

    ReadWriteFileLock newLock(Duration timeout, boolean blocking, Ownership ownership) {
        ReadWriteFileLock lock = createLock(lockPath(), timeout, blocking, ownership);
        locks.add(lock);
        return lock;
    }

    @AfterEach
    void closeLocks() {
        locks.forEach(ReadWriteFileLock::close);
    }

    @Test
    void readLocksAreSharedBetweenLockObjectsAndThreads() throws Exception {
        ReadWriteFileLock first = newLock();
        ReadWriteFileLock second = newLock();
        try (LockHold held = first.acquireRead(SHORT)) {
            LockHold other = Worker.start("reader", () -> second.acquireRead(SHORT)).awaitResult();
            LockHold sameObject = Worker.start("reader", () -> first.acquireRead(SHORT)).awaitResult();
            assertThat(first.heldMode()).contains(LockMode.READ);
            other.close();
            sameObject.close();
        }
    }

    @Test
    void writeLockExcludesOtherWritersAndReaders() throws Exception {
        ReadWriteFileLock writer = newLock();
        ReadWriteFileLock other = newLock();
        try (LockHold held = writer.acquireWrite()) {
            assertThat(Worker.start("writer", other::tryAcquireWrite).awaitResult()).isEmpty();
            assertThat(Worker.start("reader", other::tryAcquireRead).awaitResult()).isEmpty();
            assertThat(other.tryAcquireWrite()).isEmpty();
            assertThat(other.tryAcquireRead()).isEmpty();
            assertThat(Worker.start("writer", () -> other.acquireWrite(SHORT)).awaitFailure())
                .isInstanceOf(FileLockTimeoutException.class)
                .hasMessageContaining("The file lock '" + lockPath() + "' (WRITE) was not acquired in time: " + SHORT)
                .hasMessageContaining("; held by this JVM");
            assertThat(Worker.start("reader", () -> other.acquireRead(SHORT)).awaitFailure())
                .isInstanceOf(FileLockTimeoutException.class)
                .hasMessageContaining("(READ) was not acquired in time: " + SHORT);
        }
        try (LockHold afterRelease = other.acquireWrite(Duration.ofSeconds(10))) {
            assertThat(other.heldMode()).contains(LockMode.WRITE);
        }
    }

    @Test
    void readLockExcludesWriters() throws Exception {
        ReadWriteFileLock reader = newLock();
        ReadWriteFileLock writer = newLock();
        LockHold held = reader.acquireRead();
        assertThat(writer.tryAcquireWrite()).isEmpty();
        assertThat(Worker.start("writer", () -> writer.acquireWrite(SHORT)).awaitFailure())
            .isInstanceOf(FileLockTimeoutException.class);
        Worker<LockHold> waiting = Worker.start("writer", () -> writer.acquireWrite()).awaitParked();
        assertThat(waiting.isDone()).isFalse();
        held.close();
        waiting.awaitResult().close();
    }

    @Test
    void threadOwnershipKeepsThreadsOfOneLockObjectApart() throws Exception {
        ReadWriteFileLock lock = newLock();
        try (LockHold held = lock.acquireWrite()) {
            Worker<Optional<LockHold>> otherThread = Worker.start("writer", lock::tryAcquireWrite);
            assertThat(otherThread.awaitResult()).isEmpty();
            assertThat(Worker.start("probe", lock::holdCount).awaitResult()).isZero();
        }
    }

    @Test
    void sharedOwnershipCountsLevelsOfAllThreadsTogether() throws Exception {
        ReadWriteFileLock lock = newLock(Duration.ofSeconds(-1), true, Ownership.SHARED);
        lock.acquireWrite();
        LockHold second = Worker.start("writer", () -> lock.acquireWrite(SHORT)).awaitResult();
        assertThat(lock.holdCount()).isEqualTo(2);
        Worker.start("releaser", () -> {
            lock.writeLock().unlock();
            return null;
        }).awaitResult();
        second.close();
        assertThat(lock.heldMode()).isEmpty();
        try (LockHold fresh = newLock().acquireWrite(SHORT)) {
            assertThat(fresh.path()).isEqualTo(lockPath());
        }
    }

    @Test
    void readLockIsReentrant() {
        ReadWriteFileLock lock = newLock();
        List<Integer> levels = new ArrayList<>();
        try (LockHold one = lock.acquireRead()) {
            levels.add(lock.holdCount());
            try (LockHold two = lock.acquireRead()) {
                levels.add(lock.holdCount());
                try (LockHold three = lock.acquireRead()) {
                    levels.add(lock.holdCount());
                }
                levels.add(lock.holdCount());
            }
            levels.add(lock.holdCount());
            assertThat(lock.heldMode()).contains(LockMode.READ);
        }
        levels.add(lock.holdCount());
        assertThat(levels).containsExactly(1, 2, 3, 2, 1, 0);
        assertThat(lock.heldMode()).isEmpty();
    }

    @Test
    void writeLockIsReentrant() {
        ReadWriteFileLock lock = newLock();
        List<Integer> levels = new ArrayList<>();
        try (LockHold one = lock.acquireWrite()) {
            levels.add(lock.holdCount());
            try (LockHold two = lock.acquireWrite(Duration.ZERO)) {
                levels.add(lock.holdCount());
            }
            levels.add(lock.holdCount());
            assertThat(lock.heldMode()).contains(LockMode.WRITE);
        }
        levels.add(lock.holdCount());
        assertThat(levels).containsExactly(1, 2, 1, 0);
    }

    @Test
    void upgradeFromReadToWriteFailsAtOnce() {
        ReadWriteFileLock lock = newLock();
        try (LockHold read = lock.acquireRead()) {
            assertThatThrownBy(lock::acquireWrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holding a read lock (upgrade not allowed)")
                .hasMessageContaining(lockPath().toString());
            assertThatThrownBy(lock::tryAcquireWrite).isInstanceOf(IllegalStateException.class);
            assertThat(lock.heldMode()).contains(LockMode.READ);
            assertThat(lock.holdCount()).isEqualTo(1);
        }
    }

    @Test
    void downgradeFromWriteToReadFailsAtOnce() {
        ReadWriteFileLock lock = newLock();
        try (LockHold write = lock.acquireWrite()) {
            assertThatThrownBy(lock::acquireRead).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already holding a write lock (downgrade not allowed)");
            assertThatThrownBy(() -> lock.readLock().lock()).isInstanceOf(IllegalStateException.class);
            assertThat(lock.holdCount()).isEqualTo(1);
        }
    }

    @Test
    void waitingForItselfThroughAnotherLockObjectFailsAtOnce() {
        ReadWriteFileLock first = newLock();
        ReadWriteFileLock second = newLock();
        try (LockHold read = first.acquireRead()) {
            assertThatThrownBy(second::acquireWrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("would wait for itself");
            try (LockHold alsoRead = second.acquireRead()) {
                assertThat(second.heldMode()).contains(LockMode.READ);
            }
        }
        try (LockHold write = first.acquireWrite()) {
            assertThatThrownBy(second::acquireRead).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(second::acquireWrite).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void modesCanFollowEachOtherOnceReleased() {
        ReadWriteFileLock lock = newLock();
        try (LockHold read = lock.acquireRead()) {
            assertThat(lock.heldMode()).contains(LockMode.READ);
        }
        try (LockHold write = lock.acquireWrite()) {
            assertThat(lock.heldMode()).contains(LockMode.WRITE);
        }
        try (LockHold read = lock.acquireRead()) {
            assertThat(lock.heldMode()).contains(LockMode.READ);
        }
    }

    @Test
    void nonBlockingLockObjectMakesOneAttemptWhateverTheTimeout() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock nonBlocking = newLock(Duration.ofSeconds(-1), false, Ownership.THREAD);
        LockHold held = Worker.start("holder", () -> holder.acquireWrite()).awaitResult();
        assertThatThrownBy(nonBlocking::acquireRead).isInstanceOf(FileLockTimeoutException.class);
        assertThatThrownBy(() -> nonBlocking.acquireWrite(Duration.ofDays(1)))
            .isInstanceOf(FileLockTimeoutException.class);
        held.close();
        try (LockHold free = nonBlocking.acquireWrite()) {
            assertThat(nonBlocking.heldMode()).contains(LockMode.WRITE);
        }
    }

    @Test
    void defaultTimeoutAppliesToAcquisitionsWithoutOneButNotToTheLockViews() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock timed = newLock(SHORT, true, Ownership.THREAD);
        LockHold held = Worker.start("holder", () -> holder.acquireWrite()).awaitResult();
        assertThatThrownBy(timed::acquireRead).isInstanceOf(FileLockTimeoutException.class);
        assertThatThrownBy(timed::acquireWrite).isInstanceOf(FileLockTimeoutException.class);
        Worker<Void> viewWaitsForever = Worker.<Void>start("lock()", () -> {
            timed.readLock().lock();
            timed.readLock().unlock();
            return null;
        }).awaitParked();
        held.close();
        viewWaitsForever.awaitResult();
    }

    @Test
    void anyNegativeTimeoutWaitsForever() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock waiter = newLock();
        LockHold held = holder.acquireWrite();
        Worker<LockHold> waiting = Worker.start("waiter", () -> waiter.acquireRead(Duration.ofMillis(-2)))
            .awaitParked();
        assertThat(waiting.isDone()).isFalse();
        held.close();
        waiting.awaitResult().close();
    }

    @Test
    void unlockingWithoutHoldingThrowsIllegalMonitorState() throws Exception {
        ReadWriteFileLock lock = newLock();
        assertThatThrownBy(() -> lock.readLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        lock.writeLock().lock();
        assertThatThrownBy(() -> lock.readLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        Throwable otherThread = Worker.start("stranger", () -> {
            lock.writeLock().unlock();
            return null;
        }).awaitFailure();
        assertThat(otherThread).isInstanceOf(IllegalMonitorStateException.class);
        lock.writeLock().unlock();
        assertThat(lock.heldMode()).isEmpty();
    }

    @Test
    void releasingAnUnheldLockDoesNothing() {
        ReadWriteFileLock lock = newLock();
        lock.release();
        lock.release(true);
        assertThat(lock.holdCount()).isZero();
    }

    @Test
    void forcedReleaseDropsEveryLevel() {
        ReadWriteFileLock lock = newLock();
        LockHold first = lock.acquireWrite();
        lock.acquireWrite();
        lock.acquireWrite();
        lock.release();
        assertThat(lock.holdCount()).isEqualTo(2);
        lock.release(true);
        assertThat(lock.holdCount()).isZero();
        assertThat(lock.heldMode()).isEmpty();
        first.close();
        try (LockHold other = newLock().acquireWrite(SHORT)) {
            assertThat(lock.tryAcquireRead()).isEmpty();
        }
    }

    @Test
    void holdReleasesItsLevelOnlyOnce() {
        ReadWriteFileLock lock = newLock();
        LockHold first = lock.acquireRead();
        LockHold second = lock.acquireRead();
        first.close();
        first.close();
        assertThat(lock.holdCount()).isEqualTo(1);
        second.close();
        assertThat(lock.holdCount()).isZero();
    }

    @Test
    void lockViewsBehaveLikeReentrantReadWriteLocks() throws Exception {
        ReadWriteFileLock lock = newLock();
        Lock read = lock.readLock();
        Lock write = lock.writeLock();
        assertThat(lock.readLock()).isSameAs(read);
        assertThatThrownBy(read::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(write::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThat(write.tryLock()).isTrue();
        assertThat(write.tryLock(10, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(lock.holdCount()).isEqualTo(2);
        assertThat(Worker.start("reader", () -> read.tryLock(10, TimeUnit.MILLISECONDS)).awaitResult()).isFalse();
        write.unlock();
        write.unlock();
        read.lockInterruptibly();
        assertThat(Worker.start("reader", read::tryLock).awaitResult()).isTrue();
        read.unlock();
    }

    @Test
    void closeReleasesEveryHoldAndRefusesNewAcquisitions() throws Exception {
        ReadWriteFileLock lock = newLock();
        ReadWriteFileLock other = newLock();
        LockHold held = lock.acquireWrite();
        lock.acquireWrite();
        lock.close();
        lock.close();
        held.close();
        assertThatThrownBy(lock::acquireRead).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(lock::tryAcquireWrite).isInstanceOf(IllegalStateException.class);
        assertThat(lock.acquireWriteAsync(SHORT)).failsWithin(Duration.ofSeconds(10))
            .withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(IllegalStateException.class);
        try (LockHold afterClose = other.acquireWrite(SHORT)) {
            assertThat(other.heldMode()).contains(LockMode.WRITE);
        }
    }

    @Test
    void closeEndsTheWaitsOfItsLockObject() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock waiter = newLock();
        try (LockHold held = holder.acquireWrite()) {
            Worker<LockHold> waiting = Worker.start("waiter", () -> waiter.acquireRead()).awaitParked();
            waiter.close();
            assertThat(waiting.awaitFailure()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void waitingWriterHoldsBackNewReaders() throws Exception {
        ReadWriteFileLock reader = newLock();
        ReadWriteFileLock writer = newLock();
        ReadWriteFileLock lateReader = newLock();
        LockHold firstRead = reader.acquireRead();
        Worker<LockHold> waitingWriter = Worker.start("writer", () -> writer.acquireWrite()).awaitParked();
        assertThat(Worker.start("late reader", lateReader::tryAcquireRead).awaitResult()).isEmpty();
        assertThat(Worker.start("late reader", () -> lateReader.acquireRead(SHORT)).awaitFailure())
            .isInstanceOf(FileLockTimeoutException.class);
        try (LockHold reentrant = reader.acquireRead(Duration.ZERO)) {
            assertThat(reader.holdCount()).isEqualTo(2);
        }
        Worker<LockHold> queuedReader = Worker.start("queued reader", () -> lateReader.acquireRead()).awaitParked();
        firstRead.close();
        LockHold write = waitingWriter.awaitResult();
        assertThat(queuedReader.isDone()).isFalse();
        write.close();
        queuedReader.awaitResult().close();
    }

    @Test
    void interruptEndsAWaitAndKeepsTheInterruptStatus() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock waiter = newLock();
        try (LockHold held = holder.acquireWrite()) {
            Worker<Boolean> waiting = Worker.start("waiter", () -> {
                try {
                    waiter.acquireWrite();
                    return false;
                }
                catch (FileLockInterruptedException expected) {
                    return Thread.currentThread().isInterrupted();
                }
            }).awaitParked();
            waiting.interrupt();
            assertThat(waiting.awaitResult()).isTrue();
            assertThat(waiter.holdCount()).isZero();
        }
    }

    @Test
    void lockIgnoresInterruptsButRestoresTheStatus() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock waiter = newLock();
        LockHold held = holder.acquireWrite();
        Worker<Boolean> waiting = Worker.start("waiter", () -> {
            waiter.writeLock().lock();
            boolean interrupted = Thread.interrupted();
            waiter.writeLock().unlock();
            return interrupted;
        }).awaitParked();
        waiting.interrupt();
        held.close();
        assertThat(waiting.awaitResult()).isTrue();
    }

    @Test
    void asyncAcquisitionCompletesOnceTheLockIsFree() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock asynchronous = newLock();
        LockHold held = holder.acquireWrite();
        CompletableFuture<LockHold> pending = asynchronous.acquireReadAsync(Duration.ofSeconds(-1));
        assertThat(pending).isNotDone();
        held.close();
        try (LockHold read = pending.get(10, TimeUnit.SECONDS)) {
            assertThat(holder.tryAcquireWrite()).isEmpty();
        }
    }

    @Test
    void asyncReadsShareAndAsyncWritesExcludeTheCaller() throws Exception {
        ReadWriteFileLock lock = newLock();
        LockHold first = lock.acquireReadAsync(SHORT).get(10, TimeUnit.SECONDS);
        LockHold second = lock.acquireReadAsync(SHORT).get(10, TimeUnit.SECONDS);
        first.close();
        second.close();
        LockHold write = lock.acquireWriteAsync(SHORT).get(10, TimeUnit.SECONDS);
        assertThat(lock.tryAcquireRead()).isEmpty();
        assertThat(lock.acquireWriteAsync(Duration.ZERO)).failsWithin(Duration.ofSeconds(10))
            .withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(FileLockTimeoutException.class);
        write.close();
    }

    @Test
    void asyncWriteHoldCanBeReleasedFromAnotherThread() throws Exception {
        ReadWriteFileLock lock = newLock();
        ReadWriteFileLock other = newLock();
        LockHold hold = lock.acquireWriteAsync(SHORT).get(10, TimeUnit.SECONDS);
        assertThat(other.tryAcquireRead()).isEmpty();
        Worker.start("releaser", () -> {
            hold.close();
            return null;
        }).awaitResult();
        try (LockHold read = other.acquireRead(SHORT)) {
            assertThat(other.heldMode()).contains(LockMode.READ);
        }
    }

    @Test
    void asyncWritesOfASharedLockObjectAreReentrantWhicheverThreadsRunThem() throws Exception {
        ReadWriteFileLock lock = newLock(Duration.ofSeconds(-1), true, Ownership.SHARED);
        ReadWriteFileLock other = newLock();
        LockHold first = lock.acquireWriteAsync(SHORT).get(10, TimeUnit.SECONDS);
        LockHold second = Worker.start("another thread", () -> lock.acquireWriteAsync(SHORT).get()).awaitResult();
        assertThat(lock.holdCount()).isEqualTo(2);
        first.close();
        Worker.start("releaser", () -> {
            second.close();
            return null;
        }).awaitResult();
        assertThat(lock.holdCount()).isZero();
        other.acquireWrite(SHORT).close();
    }

    @Test
    void asyncTimeoutFailsTheFuture() {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock asynchronous = newLock();
        try (LockHold held = holder.acquireWrite()) {
            assertThat(asynchronous.acquireWriteAsync(SHORT)).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(FileLockTimeoutException.class);
        }
    }

    @Test
    void cancellingAnAsyncAcquisitionAbandonsTheWaitAndLeaksNoHold() throws Exception {
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock asynchronous = newLock();
        ReadWriteFileLock probe = newLock();
        LockHold held = holder.acquireWrite();
        CompletableFuture<LockHold> pending = asynchronous.acquireWriteAsync(Duration.ofSeconds(-1));
        assertThat(pending.cancel(true)).isTrue();
        assertThatThrownBy(pending::join).isInstanceOf(CancellationException.class);
        held.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.tryAcquireWrite().map(hold -> {
            hold.close();
            return true;
        }).orElse(false));
    }

    @Test
    void aCancelThatLosesTheRaceLeavesTheStagesOfTheGrantedHoldUninterrupted() throws Exception {
        // Found by LockPromiseFuzzTests: the cancelling thread ran the acquisition's own
        // stop-waiting stage, which
        // interrupted the pool thread while it was running the caller's stage that holds
        // the lock.
        ReadWriteFileLock holder = newLock();
        ReadWriteFileLock asynchronous = newLock();
        LockHold held = holder.acquireWrite();
        CompletableFuture<LockHold> pending = asynchronous.acquireWriteAsync(Duration.ofSeconds(-1));
        AtomicBoolean inStage = new AtomicBoolean();
        AtomicBoolean cancelTried = new AtomicBoolean();
        CompletableFuture<Boolean> interruptedInStage = pending.thenApply(hold -> {
            try (hold) {
                inStage.set(true);
                long giveUp = System.nanoTime() + ChildProcess.HANG_GUARD.toNanos();
                while (!cancelTried.get() && System.nanoTime() < giveUp) {
                    Thread.onSpinWait(); // not a sleep: an interrupt must stay visible,
                                         // not be consumed
                }
                return Thread.currentThread().isInterrupted();
            }
        });
        held.close();
        await().atMost(ChildProcess.HANG_GUARD).untilTrue(inStage);
        assertThat(pending.cancel(true)).isFalse();
        cancelTried.set(true);
        assertThat(interruptedInStage.get(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS))
            .as("the granted hold's stage was interrupted by a cancel that came too late")
            .isFalse();
    }

    @Test
    void writersNeverOverlapAnyoneWhileReadersOverlapEachOther() throws Exception {
        AtomicInteger readersInside = new AtomicInteger();
        AtomicInteger writersInside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Worker<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            ReadWriteFileLock lock = newLock();
            tasks.add(Worker.start("worker " + t, () -> {
                start.await();
                for (int round = 0; round < 40; round++) {
                    boolean write = round % 3 == 0;
                    try (LockHold hold = write ? lock.acquireWrite() : lock.acquireRead()) {
                        AtomicInteger mine = write ? writersInside : readersInside;
                        mine.incrementAndGet();
                        if (writersInside.get() > 1 || (writersInside.get() == 1 && readersInside.get() > 0)) {
                            violations.incrementAndGet();
                        }
                        Thread.yield();
                        mine.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Worker<Void> task : tasks) {
            task.awaitResult();
        }
        assertThat(violations).hasValue(0);
    }

}
