package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.fixtures.LockChild;
import dev.filelock.internal.AsyncWaits;
import dev.filelock.internal.LockThreads;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.OpenDescriptors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ten thousand pending {@code acquireAsync} futures on ten paths another process holds
 * cost a bounded number of threads, none completes while the paths are held, cancelling
 * gives the threads and descriptors back, a queued future ends at its own deadline, and
 * once the holder releases a path its futures complete in submission order, each holding
 * the lock alone until it is closed. For every lock type; the holder is a child JVM.
 */
class PendingFuturesProcessTests {

    private static final int PATHS = 10;

    private static final int FUTURES = 10_000;

    /** The bound on the threads the pending futures may add. */
    private static final int MORE_THREADS = 64;

    /** The bound on giving back what cancelled futures used. */
    private static final Duration GIVE_BACK_BOUND = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = { "native", "soft", "sqlite-rw", "native-rw", "soft-rw" })
    void tenThousandFuturesOnPathsAnotherProcessHoldsWaitWithBoundedThreadsInOrder(String type) throws Exception {
        Path held = Files.createDirectories(directory.resolve("held"));
        try (ChildProcess holder = LockChild.start("holder of " + PATHS + " " + type + " locks")) {
            assertThat(holder.call("acquire-many " + type + " " + held + " " + PATHS)).as(holder::describe)
                .isEqualTo("held");
            List<AsyncLock> locks = new ArrayList<>();
            for (int p = 0; p < PATHS; p++) {
                locks.add(AsyncLock.of(type, held.resolve(p + ".lock")));
            }
            int threadsBefore = threadCount();
            List<List<CompletableFuture<LockHold>>> byPath = new ArrayList<>();
            locks.forEach(lock -> byPath.add(new ArrayList<>()));
            long start = System.nanoTime();
            for (int i = 0; i < FUTURES; i++) {
                byPath.get(i % PATHS).add(locks.get(i % PATHS).acquireAsync(Duration.ofMinutes(10)));
                if (i % 500 == 0) {
                    assertThat(threadCount() - threadsBefore).as("threads added after %d futures", i + 1)
                        .isLessThanOrEqualTo(MORE_THREADS);
                }
            }
            long submitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println(type + ": " + FUTURES + " futures on " + PATHS + " held paths submitted in "
                    + submitMillis + " ms");

            CompletableFuture<LockHold> impatient = locks.get(0).acquireAsync(Duration.ofMillis(200));
            assertThat(failureOf(impatient)).isInstanceOf(FileLockTimeoutException.class)
                .hasMessageContaining(held.resolve("0.lock").getFileName().toString());
            // every path's head has been waited for, and every path's turn has ended at
            // least once, while the paths were held
            long turnsBefore = AsyncWaits.turnsTaken();
            await().atMost(Duration.ofSeconds(60)).until(() -> AsyncWaits.turnsTaken() >= turnsBefore + 2 * PATHS);
            assertThat(byPath.stream().flatMap(List::stream).filter(Future::isDone)).isEmpty();
            assertThat(threadCount() - threadsBefore).isLessThanOrEqualTo(MORE_THREADS);

            for (int p = 1; p < PATHS; p++) {
                byPath.get(p).forEach(future -> future.cancel(false));
            }
            await().atMost(GIVE_BACK_BOUND).untilAsserted(() -> {
                for (int p = 1; p < PATHS; p++) {
                    assertThat(OpenDescriptors.pointingAt(held.resolve(p + ".lock"))).as("descriptors of path %d", p)
                        .hasSizeLessThanOrEqualTo(1); // an idle entry may keep its
                                                      // descriptor parked
                }
                assertThat(libraryThreads("filelock-async-")).as("pumps").hasSizeLessThanOrEqualTo(2);
            });

            LockChild.release(holder);
            List<CompletableFuture<LockHold>> first = byPath.get(0);
            for (int i = 0; i < first.size(); i++) {
                LockHold hold = first.get(i).get(60, TimeUnit.SECONDS);
                for (int later = i + 1; later < Math.min(i + 4, first.size()); later++) {
                    assertThat(first.get(later)).as("future %d while %d holds", later, i).isNotDone();
                }
                hold.close();
            }
            locks.forEach(AsyncLock::close);
            await().atMost(GIVE_BACK_BOUND).untilAsserted(() -> {
                assertThat(libraryThreads("filelock-async-")).as("pumps and timer").isEmpty();
                assertThat(OpenDescriptors.pointingAt(held)).as("descriptors").hasSizeLessThanOrEqualTo(PATHS);
            });
        }
    }

    @Test
    void moreHeldPathsThanPumpsTakeTurnsAndAllCompleteOnceReleased() throws Exception {
        int paths = LockThreads.MAX_ASYNC_PUMPS + 8;
        Path held = Files.createDirectories(directory.resolve("many"));
        try (ChildProcess holder = LockChild.start("holder of " + paths + " native locks")) {
            assertThat(holder.call("acquire-many native " + held + " " + paths)).as(holder::describe).isEqualTo("held");
            List<CompletableFuture<LockHold>> futures = new ArrayList<>();
            for (int p = 0; p < paths; p++) {
                futures.add(FileLock.of(held.resolve(p + ".lock")).acquireAsync(Duration.ofMinutes(10)));
            }
            long turnsBefore = AsyncWaits.turnsTaken();
            await().atMost(Duration.ofSeconds(60)).until(() -> AsyncWaits.turnsTaken() >= turnsBefore + 2 * paths);
            assertThat(futures).noneMatch(Future::isDone);
            assertThat(libraryThreads("filelock-async-")).as("pumps and timer")
                .hasSizeLessThanOrEqualTo(LockThreads.MAX_ASYNC_PUMPS + 1);

            LockChild.release(holder);
            for (CompletableFuture<LockHold> future : futures) {
                future.get(60, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the first hold is a scope
    void aSharedLockObjectThatHoldsThePathReentersAtOnceAheadOfQueuedFutures() throws Exception {
        Path lockPath = directory.resolve("shared.lock");
        FileLock shared = FileLock.builder(lockPath).ownership(Ownership.SHARED).build();
        try (LockHold first = shared.acquire()) {
            CompletableFuture<LockHold> queued = FileLock.of(lockPath).acquireAsync(Duration.ofMinutes(1));
            CompletableFuture<LockHold> reentered = shared.acquireAsync(Duration.ofMinutes(1));
            assertThat(reentered).isCompleted();
            assertThat(queued).isNotDone();
            reentered.join().close();
            assertThat(queued).isNotDone();
            queued.cancel(false);
        }
    }

    private static Throwable failureOf(CompletableFuture<LockHold> future) throws Exception {
        try {
            future.get(60, TimeUnit.SECONDS).close();
            throw new AssertionError("the future completed with a hold");
        }
        catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static int threadCount() {
        return Thread.getAllStackTraces().size();
    }

    private static List<String> libraryThreads(String prefix) {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith(prefix))
            .toList();
    }

    /** The async acquire of one lock type, the write side of a read/write lock. */
    private interface AsyncLock extends AutoCloseable {

        CompletableFuture<LockHold> acquireAsync(Duration timeout);

        @Override
        void close();

        static AsyncLock of(String type, Path path) {
            return switch (type) {
                case "native" -> exclusive(FileLock.of(path));
                case "soft" -> exclusive(SoftFileLock.of(path));
                case "sqlite-rw" -> readWrite(ReadWriteFileLock.of(path));
                case "native-rw" -> readWrite(NativeReadWriteFileLock.of(path));
                case "soft-rw" -> readWrite(SoftReadWriteFileLock.of(path));
                default -> throw new IllegalArgumentException(type);
            };
        }

        private static AsyncLock exclusive(FileLock lock) {
            return new AsyncLock() {
                @Override
                public CompletableFuture<LockHold> acquireAsync(Duration timeout) {
                    return lock.acquireAsync(timeout);
                }

                @Override
                public void close() {
                }
            };
        }

        private static AsyncLock readWrite(ReadWriteFileLock lock) {
            return new AsyncLock() {
                @Override
                public CompletableFuture<LockHold> acquireAsync(Duration timeout) {
                    return lock.acquireWriteAsync(timeout);
                }

                @Override
                public void close() {
                    lock.close();
                }
            };
        }

    }

}
