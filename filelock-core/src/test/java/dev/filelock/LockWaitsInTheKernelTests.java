package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * An uninterruptible {@code lock()} waiting for a lock another process holds blocks in
 * {@code flock} on its own thread, as raw blocking flock does, so that the kernel wakes
 * it directly on release; threads of this JVM that arrive meanwhile, timed, interruptible
 * or not, are still served, and nothing is left open after.
 */
@EnabledOnOs(OS.LINUX)
class LockWaitsInTheKernelTests {

    /** Long enough that a thread seen in flock throughout is blocked there. */
    private static final Duration BLOCKED_FOR = Duration.ofMillis(300);

    @TempDir
    Path directory;

    @Test
    void lockBlocksInFlockOnTheCallingThreadAndHoldsOnceTheOtherProcessReleases() throws Exception {
        Path lockPath = directory.resolve("own-thread.lock");
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {
            FileLock lock = FileLock.of(lockPath);
            AtomicReference<Thread> caller = new AtomicReference<>();
            Worker<Boolean> waiting = Worker.start("waiting", () -> {
                caller.set(Thread.currentThread());
                lock.lock();
                try {
                    return lock.isHeldByCurrentThread();
                }
                finally {
                    lock.unlock();
                }
            });
            awaitBlockedInFlock(caller);
            // The descriptor kept between holds: no second one for a kernel waiter.
            assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1);

            LockChild.release(holder);
            assertThat(waiting.awaitResult()).isTrue();
            assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1);
            assertThat(holder.call("try native " + lockPath)).isEqualTo("acquired");
        }
    }

    @Test
    void threadsArrivingWhileLockBlocksInFlockAreServedAndTheirWaitsEndAsAsked() throws Exception {
        Path lockPath = directory.resolve("arrivals.lock");
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {
            FileLock lock = FileLock.of(lockPath);
            AtomicReference<Thread> first = new AtomicReference<>();
            CountDownLatch firstHolds = new CountDownLatch(1);
            CountDownLatch firstMayRelease = new CountDownLatch(1);
            Worker<Boolean> kernelWaiting = Worker.start("first", () -> {
                first.set(Thread.currentThread());
                lock.lock();
                try {
                    firstHolds.countDown();
                    firstMayRelease.await();
                    return lock.isHeldByCurrentThread();
                }
                finally {
                    lock.unlock();
                }
            });
            awaitBlockedInFlock(first);

            // Timed and interruptible waits behind it end at their deadline or interrupt.
            assertThat(Worker.start("timed", () -> lock.tryLock(100, TimeUnit.MILLISECONDS)).awaitResult()).isFalse();
            assertThat(Worker.start("acquire", () -> lock.acquire(Duration.ofMillis(100))).awaitFailure())
                .isInstanceOf(FileLockTimeoutException.class);
            Worker<Void> interruptible = Worker.start("interruptible", () -> {
                lock.lockInterruptibly();
                throw new AssertionError("acquired a lock the other process holds");
            });
            await().atMost(ChildProcess.HANG_GUARD).until(() -> waitingThreads(lockPath) == 2);
            interruptible.interrupt();
            assertThat(interruptible.awaitFailure()).isInstanceOf(InterruptedException.class);

            // A second lock() waits behind the first and gets the lock after it.
            Worker<Boolean> second = Worker.start("second", () -> {
                lock.lock();
                try {
                    return lock.isHeldByCurrentThread();
                }
                finally {
                    lock.unlock();
                }
            });
            await().atMost(ChildProcess.HANG_GUARD).until(() -> waitingThreads(lockPath) == 2);
            assertThat(kernelWaiting.isDone()).isFalse();

            LockChild.release(holder);
            assertThat(firstHolds.await(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(holder.call("try native " + lockPath)).isEqualTo("busy");
            assertThat(second.isDone()).isFalse();
            firstMayRelease.countDown();
            assertThat(kernelWaiting.awaitResult()).isTrue();
            assertThat(second.awaitResult()).isTrue();
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1));
            assertThat(holder.call("try native " + lockPath)).isEqualTo("acquired");
        }
    }

    @Test
    void lockBlockedInFlockGetsTheLockAPythonFilelockProcessReleases() throws Exception {
        Path lockPath = directory.resolve("python.lock");
        try (ChildProcess python = PythonFilelock.start("hold_lock.py", "FileLock", lockPath.toString())) {
            assertThat(python.awaitReady().call("acquire")).as(python::describe).isEqualTo("held");
            FileLock lock = FileLock.of(lockPath);
            AtomicReference<Thread> caller = new AtomicReference<>();
            CountDownLatch holds = new CountDownLatch(1);
            CountDownLatch mayRelease = new CountDownLatch(1);
            Worker<Boolean> waiting = Worker.start("waiting", () -> {
                caller.set(Thread.currentThread());
                lock.lock();
                try {
                    holds.countDown();
                    mayRelease.await();
                    return lock.isHeldByCurrentThread();
                }
                finally {
                    lock.unlock();
                }
            });
            awaitBlockedInFlock(caller);

            assertThat(python.call("release")).isEqualTo("released");
            assertThat(holds.await(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            try (ChildProcess tryer = PythonFilelock.start("try_lock.py", "FileLock", lockPath.toString())) {
                assertThat(tryer.awaitLine("")).as(tryer::describe).isEqualTo("TIMEOUT");
            }
            mayRelease.countDown();
            assertThat(waiting.awaitResult()).isTrue();
        }
    }

    @Test
    void lockBlockedInFlockNeverSharesTheLockWithAPeerThatDeletesTheFileOnRelease() {
        // The path check after winning in the kernel: the peer unlinks, then unlocks, so
        // a thread blocked in flock wins an inode no longer at the path and must wait
        // again.
        Path lockPath = directory.resolve("unlinked.lock");
        Path counter = directory.resolve("counter.txt");
        int peerIncrements = 200;
        int javaIncrements = 200;
        try (ChildProcess peer = PythonFilelock.startStandardLibraryScript("unlinking_peer.py", lockPath.toString(),
                counter.toString(), Integer.toString(peerIncrements))) {
            peer.awaitReady().send("count");
            List<Worker<Integer>> javaThreads = List.of(
                    Worker.start("java-1", () -> incrementWithLock(FileLock.of(lockPath), counter, javaIncrements)),
                    Worker.start("java-2", () -> incrementWithLock(FileLock.of(lockPath), counter, javaIncrements)));

            int total = Integer.parseInt(peer.reply()) + javaThreads.stream().mapToInt(Worker::awaitResult).sum();

            assertThat(total).isEqualTo(peerIncrements + 2 * javaIncrements);
            assertThat(counter).hasContent(Integer.toString(total));
        }
    }

    private static int incrementWithLock(FileLock lock, Path counter, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            lock.lock();
            try {
                String text = Files.exists(counter) ? Files.readString(counter).trim() : "";
                long value = text.isEmpty() ? 0 : Long.parseLong(text);
                Thread.yield();
                Files.writeString(counter, Long.toString(value + 1));
            }
            finally {
                lock.unlock();
            }
        }
        return times;
    }

    /**
     * Waits until the thread has been inside the binding's {@code flock} (JNA or FFM)
     * throughout {@link #BLOCKED_FOR} (a non-blocking attempt lasts microseconds).
     */
    private static void awaitBlockedInFlock(AtomicReference<Thread> caller) {
        await().atMost(ChildProcess.HANG_GUARD).during(BLOCKED_FOR).until(() -> {
            Thread thread = caller.get();
            return thread != null && Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("flock")
                        && frame.getClassName().startsWith("dev.filelock.internal.posix."));
        });
    }

    private static int waitingThreads(Path lockPath) {
        return FileLockDiagnostics.activeLocks()
            .stream()
            .filter(active -> active.path().getFileName().equals(lockPath.getFileName()))
            .mapToInt(active -> active.waitingThreads().size())
            .sum();
    }

}
