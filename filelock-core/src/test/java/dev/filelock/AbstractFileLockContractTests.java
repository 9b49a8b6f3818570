package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.testing.CapturedLog;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every exclusive lock shares, run against the native {@link FileLock}
 * ({@link FileLockTests}) and the marker-file {@link SoftFileLock}
 * ({@link SoftFileLockTests}); modelled on Python filelock's own test suite.
 *
 * <p>
 * Within one JVM, two lock objects on one path must behave like two processes; across
 * processes the tests start real child JVMs ({@link LockChild}) and Python's
 * {@code filelock}.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
abstract class AbstractFileLockContractTests {

    private static final Duration FOREVER = Duration.ofSeconds(-1);

    @TempDir
    Path dir;

    Path lockPath;

    /** Returns a builder of the lock type under test. */
    abstract FileLockBuilder<?, ? extends FileLock> builder(Path path);

    /**
     * Returns the {@link LockChild} name of the lock type under test: {@code native} or
     * {@code soft}.
     */
    abstract String childLockType();

    /**
     * Returns the Python {@code filelock} class that interoperates with the lock type
     * under test.
     */
    abstract String pythonLockClass();

    FileLock newLock(Path path) {
        return builder(path).build();
    }

    FileLock newLock() {
        return newLock(lockPath);
    }

    @BeforeEach
    void lockPathInTheTemporaryDirectory() {
        lockPath = dir.resolve("a.lock");
    }

    /**
     * Tells whether a fresh lock object on the path could take the lock at once (and
     * releases it again).
     */
    boolean isFreeForOthers(Path path) {
        return Worker.start("probe", () -> {
            Optional<LockHold> hold = newLock(path).tryAcquire();
            hold.ifPresent(LockHold::close);
            return hold.isPresent();
        }).awaitResult();
    }

    @Nested
    class AcquiringAndReleasing {

        @Test
        void acquiresAFreeLockAndReleasesItWhenTheHoldIsClosed() {
            FileLock lock = newLock();

            try (LockHold hold = lock.acquire()) {
                assertThat(hold.path()).isEqualTo(lockPath);
                assertThat(lock.isHeldByCurrentThread()).isTrue();
                assertThat(lock.holdCount()).isOne();
                assertThat(isFreeForOthers(lockPath)).isFalse();
            }

            assertThat(lock.isHeldByCurrentThread()).isFalse();
            assertThat(lock.holdCount()).isZero();
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void returnsThePathAsGiven() {
            Path relative = Path.of("target", "relative.lock");

            assertThat(newLock(relative).path()).isEqualTo(relative);
        }

        @Test
        void createsMissingParentDirectories() {
            Path deep = dir.resolve("new2/new3/c.lock");

            try (LockHold hold = newLock(deep).acquire()) {
                assertThat(deep.getParent()).isDirectory();
            }
        }

        @Test
        void buildingALockTouchesNoFile() throws IOException {
            newLock(dir.resolve("missing/dir/x.lock"));

            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
        }

        @Test
        void createsTheLockFileWithTheDefaultModeFilteredByTheUmask() throws IOException {
            try (LockHold hold = newLock().acquire()) {
                assertThat(modeOf(lockPath)).isEqualTo(0666 & ~umask());
            }
        }

        @Test
        void supportsTheLockInterface() throws InterruptedException {
            FileLock lock = newLock();

            lock.lock();
            assertThat(lock.tryLock()).isTrue();
            assertThat(Worker.start("other", () -> newLock().tryLock(10, TimeUnit.MILLISECONDS)).awaitResult())
                .isFalse();
            lock.unlock();
            lock.unlock();

            assertThat(lock.isHeldByCurrentThread()).isFalse();
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void hasNoConditions() {
            assertThatThrownBy(() -> newLock().newCondition()).isInstanceOf(UnsupportedOperationException.class);
        }

    }

    @Nested
    class Contention {

        @Test
        void anotherObjectCannotTakeAHeldLock() {
            FileLock holder = newLock();
            FileLock other = newLock();

            try (LockHold hold = holder.acquire()) {
                assertThat(other.tryAcquire()).isEmpty();
                assertThatThrownBy(() -> other.acquire(Duration.ZERO)).isInstanceOf(FileLockTimeoutException.class)
                    .hasMessageContaining("The file lock '" + lockPath + "' (WRITE) was not acquired in time: PT0S")
                    .hasMessageContaining("; held by this JVM (" + Thread.currentThread().getName() + ")");
                assertThat(other.isHeldByCurrentThread()).isFalse();
                assertThat(holder.isHeldByCurrentThread()).isTrue();
            }

            assertThat(other.tryAcquire()).hasValueSatisfying(LockHold::close);
        }

        @Test
        void aFiniteTimeoutEndsTheWaitWithATimeoutException() {
            try (LockHold hold = newLock().acquire()) {
                Throwable failure = Worker.start("waiter", () -> newLock().acquire(Duration.ofMillis(100)))
                    .awaitFailure();

                assertThat(failure).isInstanceOf(FileLockTimeoutException.class);
                assertThat(((FileLockTimeoutException) failure).path()).isEqualTo(lockPath);
            }
        }

        @Test
        void theBuilderTimeoutIsTheDefaultOfAcquire() {
            FileLock impatient = builder(lockPath).timeout(Duration.ofMillis(50)).build();

            try (LockHold hold = newLock().acquire()) {
                assertThat(Worker.start("waiter", impatient::acquire).awaitFailure())
                    .isInstanceOf(FileLockTimeoutException.class);
            }
        }

        @Test
        void aNonBlockingLockMakesOneAttemptWhateverTheTimeout() {
            FileLock nonBlocking = builder(lockPath).blocking(false).timeout(FOREVER).build();

            try (LockHold hold = newLock().acquire()) {
                assertThat(Worker.start("waiter", nonBlocking::acquire).awaitFailure())
                    .isInstanceOf(FileLockTimeoutException.class);
                assertThat(Worker.start("waiter", () -> nonBlocking.acquire(FOREVER)).awaitFailure())
                    .isInstanceOf(FileLockTimeoutException.class);
                assertThat(nonBlocking.isHeldByCurrentThread()).isFalse();
            }
        }

        @Test
        void aCancelCheckThatSaysStopEndsTheWaitWithATimeoutException() {
            FileLock cancelled = builder(lockPath).cancelCheck(() -> true).build();

            try (LockHold hold = newLock().acquire()) {
                assertThat(Worker.start("waiter", () -> cancelled.acquire(FOREVER)).awaitFailure())
                    .isInstanceOf(FileLockTimeoutException.class);
                assertThat(cancelled.isHeldByCurrentThread()).isFalse();
            }
        }

        @Test
        void theCancelCheckIsNotAskedWhenTheLockIsFree() {
            AtomicInteger asked = new AtomicInteger();
            FileLock lock = builder(lockPath).cancelCheck(() -> asked.incrementAndGet() > 0).build();

            lock.acquire().close();

            assertThat(asked).hasValue(0);
        }

        @Test
        void aWaitingThreadGetsTheLockWhenTheHolderReleases() {
            CountDownLatch failedAttempt = new CountDownLatch(1);
            FileLock waiterLock = builder(lockPath).cancelCheck(() -> {
                failedAttempt.countDown();
                return false;
            }).build();
            LockHold hold = newLock().acquire();

            Worker<Boolean> waiter = Worker.start("waiter", () -> {
                try (LockHold acquired = waiterLock.acquire(FOREVER)) {
                    return waiterLock.isHeldByCurrentThread();
                }
            });
            awaitLatch(failedAttempt);
            assertThat(waiter.isDone()).isFalse();
            hold.close();

            assertThat(waiter.awaitResult()).isTrue();
        }

        @Test
        void aRelativeAndAnAbsolutePathToOneFileAreOneLock() {
            Path relative = Path.of("").toAbsolutePath().relativize(lockPath);
            assertThat(relative.isAbsolute()).isFalse();

            try (LockHold hold = newLock(relative).acquire()) {
                assertThat(isFreeForOthers(lockPath)).isFalse();
            }
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void lockObjectsOnOnePathThroughASymlinkedDirectoryExcludeEachOther() throws IOException {
            Path real = Files.createDirectory(dir.resolve("real"));
            Path link = Files.createSymbolicLink(dir.resolve("link"), real);

            try (LockHold hold = newLock(real.resolve("a.lock")).acquire()) {
                assertThat(isFreeForOthers(link.resolve("a.lock"))).isFalse();
            }
            assertThat(isFreeForOthers(link.resolve("a.lock"))).isTrue();
        }

    }

    @Nested
    class Reentrancy {

        @Test
        void countsNestedAcquisitionsAndReleasesWithTheLastLevel() {
            FileLock lock = newLock();

            LockHold first = lock.acquire();
            LockHold second = lock.acquire();
            LockHold third = lock.acquire();
            assertThat(lock.holdCount()).isEqualTo(3);

            third.close();
            second.close();
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(isFreeForOthers(lockPath)).isFalse();

            first.close();
            assertThat(lock.isHeldByCurrentThread()).isFalse();
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void aForcedReleaseDropsEveryLevel() {
            FileLock lock = newLock();
            LockHold outer = lock.acquire();
            lock.acquire();
            lock.acquire();

            lock.release(true);

            assertThat(lock.holdCount()).isZero();
            assertThat(isFreeForOthers(lockPath)).isTrue();
            outer.close();
            assertThat(lock.isHeldByCurrentThread()).isFalse();
        }

        @Test
        void closingAHoldTwiceReleasesOneLevelOnly() {
            FileLock lock = newLock();
            lock.acquire();
            LockHold inner = lock.acquire();

            inner.close();
            inner.close();

            assertThat(lock.holdCount()).isOne();
            lock.release();
            assertThat(lock.isHeldByCurrentThread()).isFalse();
        }

        @Test
        void releasingAnUnheldLockDoesNothing() {
            FileLock lock = newLock();

            lock.release();
            lock.release(true);

            assertThat(lock.holdCount()).isZero();
            assertThat(lock.isHeldByCurrentThread()).isFalse();
        }

        @Test
        void releasingThroughAnObjectThatDoesNotHoldTheLockLeavesTheHolderAlone() {
            try (LockHold hold = newLock().acquire()) {
                newLock().release(true);

                assertThat(isFreeForOthers(lockPath)).isFalse();
            }
        }

        @Test
        void anotherThreadCannotReleaseAPerThreadHold() {
            FileLock lock = newLock();
            lock.lock();

            Throwable failure = Worker.start("intruder", () -> {
                lock.release(true);
                lock.unlock();
                return null;
            }).awaitFailure();

            assertThat(failure).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            assertThat(lock.holdCount()).isOne();
            assertThat(isFreeForOthers(lockPath)).isFalse();
            lock.unlock();
        }

        @Test
        void sharedOwnershipCountsTheLevelsOfAllThreadsTogether() {
            FileLock shared = builder(lockPath).ownership(Ownership.SHARED).build();

            Worker.start("first", () -> shared.acquire(Duration.ofSeconds(2))).awaitResult();
            Worker.start("second", () -> shared.acquire(Duration.ofSeconds(2))).awaitResult();

            assertThat(shared.holdCount()).isEqualTo(2);
            assertThat(isFreeForOthers(lockPath)).isFalse();
            Worker.start("releaser", () -> {
                shared.release(true);
                return null;
            }).awaitResult();
            assertThat(shared.isHeldByCurrentThread()).isFalse();
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

    }

    @Nested
    class ManyThreads {

        @Test
        void threadsWithALockObjectEachExcludeEachOther() {
            assertMutualExclusion(8, 200, thread -> newLock());
        }

        @Test
        void threadsSharingOneLockObjectExcludeEachOther() {
            FileLock shared = newLock();

            assertMutualExclusion(8, 200, thread -> shared);
        }

        private void assertMutualExclusion(int threads, int iterations, Function<Integer, FileLock> lockOfThread) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            int[] counter = { 0 };
            List<Worker<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FileLock lock = lockOfThread.apply(t);
                workers.add(Worker.start("worker-" + t, () -> {
                    for (int i = 0; i < iterations; i++) {
                        try (LockHold hold = lock.acquire()) {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            int read = counter[0];
                            Thread.yield();
                            counter[0] = read + 1;
                            inside.decrementAndGet();
                        }
                    }
                    return iterations;
                }));
            }

            int done = workers.stream().mapToInt(Worker::awaitResult).sum();

            assertThat(overlaps).hasValue(0);
            assertThat(counter[0]).isEqualTo(done).isEqualTo(threads * iterations);
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

    }

    @Nested
    class SelfDeadlock {

        @Test
        void waitingForeverOnAPathThisThreadHoldsThroughAnotherObjectFailsAtOnce() {
            Throwable failure = Worker.start("self", () -> {
                try (LockHold hold = newLock().acquire()) {
                    return newLock().acquire(FOREVER);
                }
            }).awaitFailure();

            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining(lockPath.toString());
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void theLockInterfaceFailsTheSameWay() {
            Throwable failure = Worker.start("self", () -> {
                FileLock first = newLock();
                first.lock();
                try {
                    newLock().lock();
                    return null;
                }
                finally {
                    first.unlock();
                }
            }).awaitFailure();

            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining(lockPath.toString());
        }

        @Test
        void aFiniteTimeoutEndsWithATimeoutException() {
            Throwable failure = Worker.start("self", () -> {
                try (LockHold hold = newLock().acquire()) {
                    return newLock().acquire(Duration.ofMillis(100));
                }
            }).awaitFailure();

            assertThat(failure).isInstanceOf(FileLockTimeoutException.class);
        }

        @Test
        void aNonBlockingLockEndsWithATimeoutException() {
            Throwable failure = Worker.start("self", () -> {
                try (LockHold hold = newLock().acquire()) {
                    return builder(lockPath).blocking(false).build().acquire();
                }
            }).awaitFailure();

            assertThat(failure).isInstanceOf(FileLockTimeoutException.class);
        }

        @Test
        void theSamePathThroughASymlinkedDirectoryIsDetected() throws IOException {
            Path real = Files.createDirectory(dir.resolve("real"));
            Path link = Files.createSymbolicLink(dir.resolve("link"), real);

            Throwable failure = Worker.start("self", () -> {
                try (LockHold hold = newLock(real.resolve("a.lock")).acquire()) {
                    return newLock(link.resolve("a.lock")).acquire(FOREVER);
                }
            }).awaitFailure();

            assertThat(failure).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void differentPathsCanBeHeldTogether() {
            boolean both = Worker.start("self", () -> {
                try (LockHold a = newLock().acquire(); LockHold b = newLock(dir.resolve("b.lock")).acquire()) {
                    return true;
                }
            }).awaitResult();

            assertThat(both).isTrue();
        }

        @Test
        void anotherThreadWaitingIsNotADeadlock() {
            try (LockHold hold = newLock().acquire()) {
                Throwable failure = Worker.start("other", () -> newLock().acquire(Duration.ZERO)).awaitFailure();

                assertThat(failure).isInstanceOf(FileLockTimeoutException.class);
            }
        }

        @Test
        void anotherObjectAcquiresAfterAForcedRelease() {
            boolean acquired = Worker.start("self", () -> {
                FileLock first = newLock();
                first.acquire();
                first.acquire();
                first.release(true);
                try (LockHold hold = newLock().acquire(FOREVER)) {
                    return true;
                }
            }).awaitResult();

            assertThat(acquired).isTrue();
        }

    }

    @Nested
    class Interruption {

        @Test
        void interruptingAWaitingAcquireEndsItAndKeepsTheInterruptStatus() {
            CountDownLatch failedAttempt = new CountDownLatch(1);
            FileLock waiterLock = signallingLock(failedAttempt);
            LockHold hold = newLock().acquire();

            Worker<LockHold> waiter = Worker.start("waiter", () -> waiterLock.acquire(FOREVER));
            awaitLatch(failedAttempt);
            waiter.interrupt();

            assertThat(waiter.awaitFailure()).isInstanceOf(FileLockInterruptedException.class)
                .hasCauseInstanceOf(InterruptedException.class);
            assertThat(waiter.wasInterruptedAtEnd()).isTrue();
            assertThat(waiterLock.holdCount()).isZero();
            hold.close();
            await().atMost(ChildProcess.HANG_GUARD).until(() -> isFreeForOthers(lockPath));
        }

        @Test
        void anAlreadyInterruptedThreadStopsWaitingForABusyLockAndKeepsItsInterruptStatus() {
            try (LockHold hold = newLock().acquire()) {
                Worker<LockHold> waiter = Worker.start("waiter", () -> {
                    Thread.currentThread().interrupt();
                    return newLock().acquire(FOREVER);
                });

                assertThat(waiter.awaitFailure()).isInstanceOf(FileLockInterruptedException.class);
                assertThat(waiter.wasInterruptedAtEnd()).isTrue();
            }
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void interruptingLockInterruptiblyThrowsInterruptedException() {
            FileLock waiterLock = newLock();
            LockHold hold = newLock().acquire();

            Worker<Object> waiter = Worker.start("waiter", () -> {
                waiterLock.lockInterruptibly();
                return null;
            });
            // The Lock methods ignore the cancel check, so a parked thread is the sign
            // that it waits (an interrupt
            // that came earlier would end the call with the same exception).
            waiter.awaitParked();
            waiter.interrupt();

            assertThat(waiter.awaitFailure()).isInstanceOf(InterruptedException.class);
            hold.close();
            await().atMost(ChildProcess.HANG_GUARD).until(() -> isFreeForOthers(lockPath));
        }

        @Test
        void interruptingAWaitForAnotherProcessLeavesNothingHeldOrOpen() {
            try (ChildProcess holder = LockChild.holding("holder", childLockType(), lockPath)) {
                CountDownLatch failedAttempt = new CountDownLatch(1);
                FileLock waiterLock = signallingLock(failedAttempt);

                Worker<LockHold> waiter = Worker.start("waiter", () -> waiterLock.acquire(FOREVER));
                awaitLatch(failedAttempt);
                waiter.interrupt();

                assertThat(waiter.awaitFailure()).isInstanceOf(FileLockInterruptedException.class);
                assertThat(waiter.wasInterruptedAtEnd()).isTrue();
                LockChild.release(holder);
                await().atMost(ChildProcess.HANG_GUARD).until(() -> isFreeForOthers(lockPath));
                // The lock table keeps one descriptor of a recently used path open for
                // reuse (bounded), never more.
                await().atMost(ChildProcess.HANG_GUARD)
                    .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSizeLessThanOrEqualTo(1));
            }
        }

        private FileLock signallingLock(CountDownLatch failedAttempt) {
            return builder(lockPath).cancelCheck(() -> {
                failedAttempt.countDown();
                return false;
            }).build();
        }

    }

    @Nested
    class Asynchronous {

        @Test
        void anAsyncAcquisitionCompletesWithAHoldThatAnyThreadMayClose() throws Exception {
            LockHold hold = newLock().acquireAsync(FOREVER).get(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);

            assertThat(isFreeForOthers(lockPath)).isFalse();
            Worker.start("closer", () -> {
                hold.close();
                return null;
            }).awaitResult();
            assertThat(isFreeForOthers(lockPath)).isTrue();
        }

        @Test
        void anAsyncAcquisitionOfABusyLockCompletesWithATimeoutException() {
            try (LockHold hold = newLock().acquire()) {
                CompletableFuture<LockHold> future = newLock().acquireAsync(Duration.ofMillis(50));

                assertThat(future).failsWithin(ChildProcess.HANG_GUARD)
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(FileLockTimeoutException.class);
            }
        }

        @Test
        void anAsyncHoldExcludesEveryThreadIncludingTheOneThatAskedForIt() throws Exception {
            FileLock lock = newLock();
            LockHold hold = lock.acquireAsync(FOREVER).get(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);

            assertThatThrownBy(() -> lock.acquire(Duration.ZERO)).isInstanceOf(FileLockTimeoutException.class);

            hold.close();
            assertThat(lock.tryAcquire()).hasValueSatisfying(LockHold::close);
        }

        @Test
        void cancellingAnAsyncWaitNeverLeaksAHold() {
            LockHold hold = newLock().acquire();
            CompletableFuture<LockHold> future = newLock().acquireAsync(FOREVER);

            future.cancel(true);
            hold.close();

            await().atMost(ChildProcess.HANG_GUARD).until(() -> isFreeForOthers(lockPath));
        }

    }

    @Nested
    class BadInput {

        @Test
        void anEmptyPathIsRejectedByTheBuilder() {
            assertThatThrownBy(() -> builder(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aDirectoryAtTheLockPathFailsAtOnceNamingThePath() throws IOException {
            Files.createDirectory(lockPath);

            assertFailsAtOnceWithoutLeaks(lockPath);

            try (Stream<Path> files = Files.list(lockPath)) {
                assertThat(files).isEmpty();
            }
        }

        @Test
        void aRegularFileAsParentFailsAtOnceNamingThePath() throws IOException {
            Path file = Files.writeString(dir.resolve("plain"), "data");
            Path underFile = file.resolve("a.lock");

            assertFailsAtOnceWithoutLeaks(underFile);

            assertThat(file).hasContent("data");
        }

        @Test
        void aSymlinkAtTheLockPathIsRefusedAndNotFollowed() throws IOException {
            Path target = dir.resolve("target.lock");
            Files.createSymbolicLink(lockPath, target);

            assertFailsAtOnceWithoutLeaks(lockPath);

            assertThat(target).doesNotExist();
            assertThat(lockPath).isSymbolicLink();
        }

        @Test
        void aSymlinkToAnExistingFileIsRefusedAndTheFileLeftAlone() throws IOException {
            Path target = Files.writeString(dir.resolve("precious.txt"), "keep me");
            Files.createSymbolicLink(lockPath, target);

            assertFailsAtOnceWithoutLeaks(lockPath);

            assertThat(target).hasContent("keep me");
        }

        @Test
        void aParentDirectoryTheUserCannotWriteFailsAtOnceForANonRootUser() throws IOException {
            Path readOnlyDir = Files.createDirectory(dir.resolve("read-only"));
            Files.setPosixFilePermissions(readOnlyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path path = readOnlyDir.resolve("a.lock");

            String message = assertChildFailsAtOnceWithoutLeaks(path);

            assertThat(message).containsIgnoringCase("permission denied");
            assertThat(path).doesNotExist();
        }

        @Test
        void aMissingParentUnderADirectoryTheUserCannotWriteFailsAtOnceForANonRootUser() throws IOException {
            Path readOnlyDir = Files.createDirectory(dir.resolve("read-only"));
            Files.setPosixFilePermissions(readOnlyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path path = readOnlyDir.resolve("missing/a.lock");

            assertChildFailsAtOnceWithoutLeaks(path);

            assertThat(path.getParent()).doesNotExist();
        }

        @Test
        void anExistingReadOnlyLockFileFailsAtOnceForANonRootUser() throws IOException {
            Path writableDir = Files.createDirectory(dir.resolve("writable"));
            Files.setPosixFilePermissions(writableDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path path = Files.createFile(writableDir.resolve("a.lock"));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--r--r--"));

            String message = assertChildFailsAtOnceWithoutLeaks(path);

            assertThat(message).containsAnyOf("ermission denied", "read-only");
            assertThat(path).exists().isEmptyFile();
        }

        /**
         * Waits forever for the lock in this JVM and expects a FileLockException naming
         * the path, with nothing leaked.
         */
        private void assertFailsAtOnceWithoutLeaks(Path path) throws IOException {
            warmUp();
            Set<Path> filesBefore = filesUnder(dir);
            List<String> descriptorsBefore = OpenDescriptors.targets();

            Throwable failure = Worker.start("attempt", () -> newLock(path).acquire(FOREVER)).awaitFailure();

            assertThat(failure).isInstanceOf(FileLockException.class)
                .isNotInstanceOf(FileLockTimeoutException.class)
                .hasMessageContaining(path.toString());
            assertThat(((FileLockException) failure).path()).isEqualTo(path);
            assertThat(OpenDescriptors.pointingAt(dir)).isEmpty();
            // Other tests' background threads may hold a descriptor for a moment; a leak
            // stays open.
            await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(OpenDescriptors.targets()).hasSameSizeAs(descriptorsBefore));
            assertThat(filesUnder(dir)).isEqualTo(filesBefore);
        }

        /**
         * Does the same as {@code nobody} in a child JVM and returns the exception's
         * message.
         */
        private String assertChildFailsAtOnceWithoutLeaks(Path path) throws IOException {
            Set<Path> filesBefore = filesUnder(dir);
            String message;
            try (ChildProcess child = ChildJvm.startAsNobody("nobody", dir, LockChild.class).awaitReady()) {
                assertThat(child.call("uid")).as("the child must not run as root").isNotEqualTo("0");
                assertThat(child.call("attempt " + childLockType() + " " + path)).as(child.describe())
                    .isEqualTo(FileLockException.class.getName());
                message = child.call("report message");
                assertThat(message).contains(path.toString());
                assertThat(child.call("report fds-after")).as(child.describe())
                    .isEqualTo(child.call("report fds-before"));
                assertThat(child.call("report lock-fds")).isEqualTo("0");
                child.call(ChildMain.QUIT);
                assertThat(child.awaitExit()).as(child.describe()).isZero();
            }
            Set<Path> filesAfter = filesUnder(dir);
            filesAfter.removeIf(p -> p.startsWith(dir.resolve("nobody-home")));
            filesBefore.removeIf(p -> p.startsWith(dir.resolve("nobody-home")));
            assertThat(filesAfter).isEqualTo(filesBefore);
            return message;
        }

        /**
         * Loads the classes and native code of the lock, so that descriptor counts
         * compare only the attempt.
         */
        private void warmUp() throws IOException {
            Path scratch = Files.createTempDirectory("warm-up");
            try {
                newLock(scratch.resolve("warm-up.lock")).acquire().close();
                Worker.start("warm-up", () -> null).awaitResult();
            }
            finally {
                try (Stream<Path> files = Files.walk(scratch)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }

    }

    @Nested
    class CrossProcess {

        @Test
        void aLockHeldByAnotherProcessIsBusyUntilThatProcessReleasesIt() {
            try (ChildProcess holder = LockChild.holding("holder", childLockType(), lockPath)) {

                assertThat(newLock().tryAcquire()).isEmpty();

                LockChild.release(holder);
                try (LockHold hold = newLock().acquire(FOREVER)) {
                    assertThat(hold.path()).isEqualTo(lockPath);
                }
            }
        }

        @Test
        void fourProcessesOfTwoThreadsEachLoseNoCounterUpdate() {
            Path counter = dir.resolve("counter.txt");
            List<ChildProcess> children = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    children.add(LockChild.start("counter-" + i));
                }
                children.forEach(child -> child
                    .send("count " + childLockType() + " " + lockPath + " " + counter + " 2 " + incrementsPerThread()));

                int reported = children.stream().mapToInt(child -> Integer.parseInt(child.reply())).sum();

                assertThat(reported).isEqualTo(4 * 2 * incrementsPerThread());
                assertThat(counter).hasContent(Integer.toString(reported));
            }
            finally {
                children.forEach(ChildProcess::close);
            }
        }

        @Test
        void aWaiterInAnotherProcessGetsTheLockWhenTheHolderIsKilled() {
            try (ChildProcess holder = LockChild.holding("holder", childLockType(), lockPath);
                    ChildProcess waiter = LockChild.start("waiter")) {
                assertThat(waiter.call("try " + childLockType() + " " + lockPath)).isEqualTo("busy");
                waiter.send("acquire " + childLockType() + " " + lockPath);
                assertThat(waiter.findLine(ChildMain.OK + " held")).isEmpty();

                holder.kill();

                assertThat(waiter.reply()).isEqualTo("held");
                waiter.call(ChildMain.QUIT);
                assertThat(waiter.awaitExit()).as(waiter.describe()).isZero();
            }
        }

        @Test
        void threadsWaitingForAnotherProcessDoNotSpin() {
            try (ChildProcess holder = LockChild.holding("holder", childLockType(), lockPath);
                    CapturedLog log = CapturedLog.start()) {
                List<Worker<Boolean>> waiters = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    waiters.add(Worker.start("waiter-" + i, () -> {
                        try (LockHold hold = newLock().acquire(FOREVER)) {
                            return true;
                        }
                    }));
                }
                await().atMost(ChildProcess.HANG_GUARD).until(() -> attempts(log) >= 1);

                // Not a timing assertion: however long the other process holds the lock,
                // a waiter that backs off (to
                // the poll interval of 50 ms at most) or sleeps in the kernel makes a
                // bounded number of attempts in
                // this window; a busy loop makes thousands.
                await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(attempts(log))
                        .as("attempts of 3 waiting threads while another process holds the lock")
                        .isLessThanOrEqualTo(3 * 40));

                holder.send("release");
                waiters.forEach(waiter -> assertThat(waiter.awaitResult()).isTrue());
            }
        }

        private long attempts(CapturedLog log) {
            return log.debugMessages().stream().filter(m -> m.contains("Attempting to acquire")).count();
        }

        /**
         * Increments per thread in the counter test; the soft lock polls, so it gets
         * fewer to stay fast.
         */
        int incrementsPerThread() {
            return childLockType().equals("soft") ? 25 : 100;
        }

    }

    @Nested
    class PythonInterop {

        @Test
        void pythonCannotTakeTheLockWhileJavaHoldsIt() {
            try (LockHold hold = newLock().acquire()) {
                assertThat(tryFromPython()).isEqualTo("TIMEOUT");
            }

            assertThat(tryFromPython()).isEqualTo("ACQUIRED");
        }

        @Test
        void javaCannotTakeTheLockWhilePythonHoldsIt() {
            try (ChildProcess python = PythonFilelock.start("hold_lock.py", pythonLockClass(), lockPath.toString())) {
                assertThat(python.awaitReady().call("acquire")).isEqualTo("held");

                assertThat(newLock().tryAcquire()).isEmpty();
                assertThatThrownBy(() -> newLock().acquire(Duration.ZERO)).isInstanceOf(FileLockTimeoutException.class);

                Worker<Boolean> waiter = Worker.start("waiter", () -> {
                    try (LockHold hold = newLock().acquire(FOREVER)) {
                        return true;
                    }
                });
                assertThat(python.call("release")).isEqualTo("released");
                assertThat(waiter.awaitResult()).isTrue();
            }
        }

        @Test
        void javaAndPythonTogetherLoseNoCounterUpdate() {
            Path counter = dir.resolve("counter.txt");
            int pythonIncrements = 60;
            int javaIncrements = 60;
            try (ChildProcess python = PythonFilelock.start("count.py", pythonLockClass(), lockPath.toString(),
                    counter.toString(), Integer.toString(pythonIncrements))) {
                python.awaitReady().send("count");
                List<Worker<Integer>> javaThreads = List.of(
                        Worker.start("java-1", () -> LockChild.incrementUnderLock(newLock(), counter, javaIncrements)),
                        Worker.start("java-2", () -> LockChild.incrementUnderLock(newLock(), counter, javaIncrements)));

                int total = Integer.parseInt(python.reply()) + javaThreads.stream().mapToInt(Worker::awaitResult).sum();

                assertThat(total).isEqualTo(pythonIncrements + 2 * javaIncrements);
                assertThat(counter).hasContent(Integer.toString(total));
            }
        }

        private String tryFromPython() {
            try (ChildProcess python = PythonFilelock.start("try_lock.py", pythonLockClass(), lockPath.toString())) {
                String outcome = python.awaitLine("");
                assertThat(python.awaitExit()).as(python.describe()).isZero();
                return outcome;
            }
        }

    }

    @Nested
    class Logging {

        @Test
        void logsAttemptsAcquisitionsWaitsAndReleasesAtDebugLevel() {
            try (CapturedLog log = CapturedLog.start()) {
                try (LockHold hold = newLock().acquire()) {
                    Worker.start("waiter", () -> newLock().acquire(Duration.ofMillis(100))).awaitFailure();
                }

                assertThat(log.debugMessages())
                    .anySatisfy(m -> assertThat(m).containsIgnoringCase("attempt").contains(lockPath.toString()))
                    .anySatisfy(m -> assertThat(m).containsIgnoringCase("acquired").contains(lockPath.toString()))
                    .anySatisfy(m -> assertThat(m).containsIgnoringCase("wait").contains(lockPath.toString()))
                    .anySatisfy(m -> assertThat(m).containsIgnoringCase("released").contains(lockPath.toString()));
            }
        }

    }

    static int modeOf(Path path) throws IOException {
        int mode = 0;
        for (PosixFilePermission permission : Files.getPosixFilePermissions(path)) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    static int umask() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("Umask:"))
                .map(l -> Integer.parseInt(l.substring("Umask:".length()).trim(), 8))
                .findFirst()
                .orElseThrow();
        }
    }

    static Set<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return new java.util.HashSet<>(files.toList());
        }
    }

    static void awaitLatch(CountDownLatch latch) {
        await().atMost(ChildProcess.HANG_GUARD).until(() -> latch.getCount() == 0);
    }

}
