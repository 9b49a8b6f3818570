package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded in-JVM handover: while two threads of this JVM keep passing a lock back and
 * forth (the OS-level lock passed on without being unlocked), a waiter in another
 * process, blocked in the kernel or polling every 50 ms like Python's filelock, still
 * gets it within a generous bound (the promised one is well under a second), and the
 * local threads stay mutually exclusive; a waiter that gives up never strands a lock
 * passed to it.
 */
class LocalHandoverFairnessTests {

    /** Far above the promised bound, only to turn starvation into a failure. */
    private static final Duration FOREIGN_WAITER_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final AtomicBoolean churning = new AtomicBoolean(true);

    private final List<Thread> churners = new ArrayList<>();

    private final AtomicReference<Throwable> churnFailure = new AtomicReference<>();

    private final AtomicLong passes = new AtomicLong();

    @AfterEach
    void stopChurning() throws InterruptedException {
        churning.set(false);
        for (Thread churner : churners) {
            churner.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(churnFailure.get()).isNull();
    }

    @Test
    void aChildJvmWaitingInTheKernelGetsTheLockWhileTwoLocalThreadsPassItOn() {
        Path path = directory.resolve("child-jvm.lock");
        churn(FileLock.of(path));
        try (ChildProcess child = LockChild.start("waiting-jvm")) {
            child.send("acquire native " + path);
            assertThat(child.reply(FOREIGN_WAITER_BOUND)).isEqualTo("held");
            long passesWhileForeignHolds = passes.get();
            child.call("uid"); // a round trip: the local threads had time to pass it on
            assertThat(passes.get()).as("no local pass while another process holds the lock")
                .isEqualTo(passesWhileForeignHolds);
            child.call("release");
        }
        awaitMorePasses();
    }

    @Test
    void pythonFilelockPollingEvery50MillisecondsGetsTheLockWhileTwoLocalThreadsPassItOn() {
        Path path = directory.resolve("python.lock");
        try (ChildProcess python = PythonFilelock.start("hold_lock.py", "FileLock", path.toString())) {
            python.awaitReady();
            churn(FileLock.of(path));
            awaitMorePasses();
            for (int round = 0; round < 3; round++) {
                python.send("acquire");
                assertThat(python.reply(FOREIGN_WAITER_BOUND)).isEqualTo("held");
                python.call("release");
            }
        }
        awaitMorePasses();
    }

    @Test
    void flockOneWaitingInTheKernelGetsTheLockWhileTwoLocalThreadsPassItOn() {
        Path path = directory.resolve("flock1.lock");
        churn(FileLock.of(path));
        awaitMorePasses();
        try (ChildProcess flock = ChildProcess.start("flock(1)",
                new ProcessBuilder("flock", "--exclusive", path.toString(), "sh", "-c", "echo HELD; read line"))) {
            flock.awaitMatch(Pattern.compile("HELD"), FOREIGN_WAITER_BOUND);
            flock.send("done");
            assertThat(flock.awaitExit()).isZero();
        }
        awaitMorePasses();
    }

    @Test
    void aWaiterInterruptedWhileTheLockIsPassedToItLeavesNothingHeld() throws Exception {
        Path path = directory.resolve("interrupted.lock");
        FileLock lock = FileLock.of(path);
        for (int round = 0; round < 200; round++) {
            lock.lock();
            AtomicReference<String> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    lock.lockInterruptibly();
                    lock.unlock();
                    outcome.set("acquired");
                }
                catch (InterruptedException e) {
                    outcome.set("interrupted");
                }
            });
            waiter.start();
            while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            waiter.interrupt();
            lock.unlock();
            waiter.join();
            assertThat(outcome.get()).isIn("acquired", "interrupted");
            assertThat(lock.isHeldByCurrentThread()).isFalse();
        }
        try (ChildProcess child = LockChild.start("checker")) {
            assertThat(child.call("try native " + path)).isEqualTo("acquired");
        }
    }

    /**
     * Two threads that keep taking the lock and incrementing a counter inside it,
     * checking that they never overlap.
     */
    private void churn(FileLock lock) {
        AtomicBoolean inside = new AtomicBoolean();
        for (int i = 0; i < 2; i++) {
            Thread churner = new Thread(() -> {
                try {
                    while (churning.get()) {
                        lock.lock();
                        try {
                            if (!inside.compareAndSet(false, true)) {
                                throw new AssertionError("two threads of this JVM hold the lock at once");
                            }
                            passes.incrementAndGet();
                            inside.set(false);
                        }
                        finally {
                            lock.unlock();
                        }
                    }
                }
                catch (Throwable t) {
                    churnFailure.compareAndSet(null, t);
                }
            }, "churner-" + i);
            churners.add(churner);
            churner.start();
        }
    }

    private void awaitMorePasses() {
        long before = passes.get();
        await().atMost(FOREIGN_WAITER_BOUND).until(() -> passes.get() >= before + 1000);
    }

}
