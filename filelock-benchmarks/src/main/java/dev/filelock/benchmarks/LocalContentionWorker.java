package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.testing.ChildMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local side of the foreign-waiter row: two threads of this JVM pass one
 * {@link FileLock} back and forth in a lock/unlock loop, the contention a bounded in-JVM
 * handover keeps the OS lock for.
 *
 * <p>
 * Argument: the lock path. {@code start} starts the loop (answers once both threads have
 * held the lock); {@code stop} stops it and answers {@code OK <holds taken>}.
 */
final class LocalContentionWorker {

    private static final int THREADS = 2;

    private LocalContentionWorker() {
    }

    static void run(String[] args) {
        FileLock lock = FileLock.of(Path.of(args[0]));
        AtomicBoolean running = new AtomicBoolean();
        AtomicLong holds = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        ChildMain.create().on("start", ignored -> {
            running.set(true);
            holds.set(0);
            for (int i = 0; i < THREADS; i++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        lock.lock();
                        holds.incrementAndGet();
                        lock.unlock();
                    }
                }, "local-contender-" + i);
                threads.add(thread);
                thread.start();
            }
            while (holds.get() < THREADS && threads.stream().allMatch(Thread::isAlive)) {
                Thread.onSpinWait();
            }
            return null;
        }).on("stop", ignored -> {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            threads.clear();
            return holds.get();
        }).run();
    }

}
