package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.internal.LockThreads;
import dev.filelock.internal.flock.FlockExclusiveBackend;
import dev.filelock.internal.posix.Posix;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for locks another process holds costs bounded threads and descriptors, and
 * gives them back about a second after the last waiter left: the kernel waiter blocked in
 * {@code flock} is interrupted with a signal, and at most
 * {@link LockThreads#MAX_KERNEL_WAITERS} paths have one. The other process is a child
 * JVM; the waiting side is a child JVM too where its threads and descriptors are counted,
 * so that other tests cannot blur the figures.
 */
@EnabledOnOs(OS.LINUX) // the signal that interrupts a kernel wait is Linux-only;
                       // elsewhere waits keep the old behaviour
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class KernelWaiterResourceTests {

    private static final Duration GIVE_BACK_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @Test
    void threeHundredAbandonedWaitsGiveBackTheirThreadsAndDescriptors() throws Exception {
        Path held = Files.createDirectories(directory.resolve("held"));
        try (ChildProcess holder = holdMany(held, 300);
                ChildProcess waiter = ChildJvm.start("waiter", AbandonedWaitsChild.class, held.toString(), "300", "8",
                        "50", Files.createDirectories(directory.resolve("scratch")).toString())) {
            assertThat(waiter.awaitLine("TIMEOUTS ")).as(waiter.describe()).isEqualTo("TIMEOUTS 300");
            assertThat(waiter.awaitLine("ERRORS ")).as(waiter.describe()).isEqualTo("ERRORS 0 ");
            String givenBack = waiter.awaitLine("GIVEN_BACK_MS ");
            assertThat(Long.parseLong(givenBack.split(" ")[1])).as(waiter.describe())
                .isLessThanOrEqualTo(GIVE_BACK_BOUND.toMillis());
            System.out.println("300 abandoned waits: " + givenBack + ", " + waiter.awaitLine("PEAK_WAITER_THREADS "));
        }
    }

    @Test
    void abandonedWaitsUnderALowDescriptorLimitLeaveUnrelatedLocksAndFilesWorking() throws Exception {
        Path held = Files.createDirectories(directory.resolve("held"));
        try (ChildProcess holder = holdMany(held, 200);
                ChildProcess waiter = ChildJvm.start("waiter with 256 descriptors", List.of(), 256,
                        AbandonedWaitsChild.class, held.toString(), "200", "8", "50",
                        Files.createDirectories(directory.resolve("scratch")).toString())) {
            assertThat(waiter.awaitLine("TIMEOUTS ")).as(waiter.describe()).isEqualTo("TIMEOUTS 200");
            assertThat(waiter.awaitLine("ERRORS ")).as(waiter.describe()).isEqualTo("ERRORS 0 ");
            assertThat(waiter.awaitLine("UNRELATED_LOCK ")).as(waiter.describe()).isEqualTo("UNRELATED_LOCK OK");
            assertThat(waiter.awaitLine("FILE_READ ")).as(waiter.describe()).isEqualTo("FILE_READ OK");
        }
    }

    @Test
    void aLaterWaiterGetsTheLockInTheKernelAfterAnAbandonedWaitWasGivenBack() throws Exception {
        Path lockPath = directory.resolve("handoff.lock");
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {
            FileLock lock = FileLock.of(lockPath);
            assertThat(Worker.start("impatient", () -> lock.acquire(Duration.ofMillis(50))).awaitFailure())
                .isInstanceOf(FileLockTimeoutException.class);
            // Left open: the entry's own descriptor, parked for the next acquire; the
            // kernel waiter's is given back.
            await().atMost(GIVE_BACK_BOUND)
                .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1));
            assertALaterWaiterGetsTheLockInTheKernel(holder, lockPath);
        }
    }

    @Test
    void rapidTimeoutsNeverStrandAKernelWaiter() throws Exception {
        // Timeouts of 0 to 5 ms land the give-back signal in every phase of the kernel
        // waiter: starting, opening,
        // just before flock (lost, so signalled again), inside flock, just after an
        // interruption.
        Path lockPath = directory.resolve("rapid.lock");
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {
            List<Worker<Integer>> impatient = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                impatient.add(Worker.start("impatient-" + t, () -> {
                    FileLock lock = FileLock.of(lockPath);
                    int timeouts = 0;
                    for (int i = 0; i < 500; i++) {
                        try (LockHold unexpected = lock
                            .acquire(Duration.ofNanos((i * 7919L + seed * 104729L) % 5_000_000))) {
                            throw new AssertionError("acquired a lock the other process holds");
                        }
                        catch (FileLockTimeoutException expected) {
                            timeouts++;
                        }
                    }
                    return timeouts;
                }));
            }
            for (Worker<Integer> worker : impatient) {
                assertThat(worker.awaitResult()).isEqualTo(500);
            }
            await().atMost(GIVE_BACK_BOUND)
                .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1));
            assertALaterWaiterGetsTheLockInTheKernel(holder, lockPath);
        }
    }

    @Test
    void aSignalLostJustBeforeFlockIsSentAgain() throws Exception {
        Path lockPath = directory.resolve("lost-signal.lock");
        CountDownLatch aboutToBlock = new CountDownLatch(1);
        CountDownLatch signalled = new CountDownLatch(1);
        FlockExclusiveBackend.FlockCall original = FlockExclusiveBackend.flockCall;
        // The kernel waiter stops between "may be signalled" and the blocking call, where
        // a signal changes nothing.
        FlockExclusiveBackend.flockCall = (fd, operation) -> {
            if (operation == Posix.LOCK_EX && aboutToBlock.getCount() > 0) {
                aboutToBlock.countDown();
                awaitUninterruptibly(signalled);
            }
            return original.flock(fd, operation);
        };
        try (ChildProcess holder = LockChild.holding("holder", "native", lockPath)) {
            FileLock lock = FileLock.of(lockPath);
            Thread[] caller = new Thread[1];
            Worker<Void> waiting = Worker.start("waiting", () -> {
                caller[0] = Thread.currentThread();
                lock.lockInterruptibly();
                throw new AssertionError("acquired a lock the other process holds");
            });
            assertThat(aboutToBlock.await(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            caller[0].interrupt(); // the last waiter leaves: the kernel waiter is
                                   // signalled while it cannot notice
            assertThat(waiting.awaitFailure()).isInstanceOf(InterruptedException.class);
            signalled.countDown();
            await().atMost(GIVE_BACK_BOUND)
                .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(1));
        }
        finally {
            FlockExclusiveBackend.flockCall = original;
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            }
            catch (InterruptedException e) {
                // a kernel-waiter thread is never interrupted; keep waiting for the
                // test's cue
            }
        }
    }

    @Test
    void waitsForMorePathsThanKernelWaitersAllGetTheirLocks() throws Exception {
        int paths = LockThreads.MAX_KERNEL_WAITERS + 16;
        Path held = Files.createDirectories(directory.resolve("held"));
        try (ChildProcess holder = holdMany(held, paths)) {
            List<Worker<Boolean>> waiters = new ArrayList<>();
            for (int i = 0; i < paths; i++) {
                FileLock lock = FileLock.of(held.resolve(i + ".lock"));
                waiters.add(Worker.start("waiter-" + i, () -> {
                    try (LockHold hold = lock.acquire(ChildProcess.HANG_GUARD)) {
                        return lock.isHeldByCurrentThread();
                    }
                }));
            }
            await().atMost(ChildProcess.HANG_GUARD).until(() -> waitingThreadsUnder(held) == paths);
            assertThat(kernelWaiterThreads()).isLessThanOrEqualTo(LockThreads.MAX_KERNEL_WAITERS);

            LockChild.release(holder);
            for (Worker<Boolean> waiter : waiters) {
                assertThat(waiter.awaitResult()).isTrue();
            }
        }
    }

    private static ChildProcess holdMany(Path held, int count) {
        ChildProcess holder = LockChild.start("holder of " + count + " locks");
        try {
            assertThat(holder.call("acquire-many native " + held + " " + count)).as(holder::describe).isEqualTo("held");
            return holder;
        }
        catch (RuntimeException | AssertionError e) {
            holder.close();
            throw e;
        }
    }

    private static int waitingThreadsUnder(Path held) {
        return FileLockDiagnostics.activeLocks()
            .stream()
            .filter(active -> active.path().startsWith(held.toAbsolutePath()))
            .mapToInt(active -> active.waitingThreads().size())
            .sum();
    }

    private static long kernelWaiterThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(thread -> thread.getName().startsWith("filelock-waiter-")
                    && !thread.getName().startsWith("filelock-waiter-reaper-"))
            .count();
    }

    /**
     * After a give-back, a new waiter blocks in flock on a descriptor of its own again
     * and gets the lock on release.
     */
    private static void assertALaterWaiterGetsTheLockInTheKernel(ChildProcess holder, Path lockPath) throws Exception {
        FileLock lock = FileLock.of(lockPath);
        Worker<Boolean> patient = Worker.start("patient", () -> {
            try (LockHold hold = lock.acquire(ChildProcess.HANG_GUARD)) {
                return lock.isHeldByCurrentThread();
            }
        });
        await().atMost(ChildProcess.HANG_GUARD)
            .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(lockPath)).hasSize(2));
        LockChild.release(holder);
        assertThat(patient.awaitResult()).isTrue();
    }

}
