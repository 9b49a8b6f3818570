package dev.filelock.benchmarks;

import dev.filelock.testing.ChildMain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One process of the contended-throughput row: N threads increment a 20-digit counter
 * file under the lock until the time is up, then report their counts so the parent can
 * check that no update was lost: {@code go} answers {@code OK
 * <total> <count of each thread>}.
 *
 * <p>
 * Arguments: kind, lock path, counter path, threads, seconds. Our lock is one
 * {@code FileLock} object shared by the threads (per-thread ownership); the raw anchor
 * gives each thread its own descriptor. Before {@code READY}, the threads lock and unlock
 * for {@link #WARM_UP_NANOS} (contending with the other process, which warms up too), so
 * class loading, native binding and JIT compilation fall outside the measured window for
 * both kinds.
 */
final class ContentionWorker {

    static final int COUNTER_WIDTH = 20;

    private static final long WARM_UP_NANOS = 1_000_000_000L;

    private ContentionWorker() {
    }

    static void run(String[] args) throws Exception {
        Exclusive.Kind kind = Exclusive.Kind.parse(args[0]);
        Path lockPath = Path.of(args[1]);
        Path counterPath = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        long durationNanos = Long.parseLong(args[4]) * 1_000_000_000L;

        List<Exclusive> locks = new ArrayList<>();
        Exclusive shared = kind == Exclusive.Kind.OURS_NATIVE ? Exclusive.open(kind, lockPath) : null;
        for (int i = 0; i < threads; i++) {
            locks.add(shared != null ? shared : Exclusive.open(kind, lockPath));
        }
        try (FileChannel counter = FileChannel.open(counterPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long[] counts = new long[threads];
            runThreads(threads, index -> {
                long end = System.nanoTime() + WARM_UP_NANOS;
                while (System.nanoTime() - end < 0) {
                    locks.get(index).lock();
                    locks.get(index).unlock();
                }
            });
            ChildMain.create().on("go", ignored -> {
                long deadline = System.nanoTime() + durationNanos;
                runThreads(threads, index -> counts[index] = incrementUntil(deadline, locks.get(index), counter));
                StringJoiner line = new StringJoiner(" ");
                line.add(Long.toString(Arrays.stream(counts).sum()));
                for (long count : counts) {
                    line.add(Long.toString(count));
                }
                return line;
            }).run();
        }
        finally {
            for (Exclusive lock : shared != null ? List.of(shared) : locks) {
                lock.close();
            }
        }
    }

    /** A contender's work, given its index. */
    private interface Task {

        void run(int index) throws Exception;

    }

    /**
     * Runs the task on that many threads at once and waits for all; the first failure is
     * rethrown.
     */
    private static void runThreads(int threads, Task task) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread worker = new Thread(() -> {
                try {
                    task.run(index);
                }
                catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "contender-" + i);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a contender failed", failure.get());
        }
    }

    private static long incrementUntil(long deadline, Exclusive lock, FileChannel counter) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(COUNTER_WIDTH);
        long count = 0;
        while (System.nanoTime() - deadline < 0) {
            lock.lock();
            try {
                buffer.clear();
                counter.read(buffer, 0);
                long value = parse(buffer);
                buffer.clear();
                buffer.put(encode(value + 1)).flip();
                counter.write(buffer, 0);
            }
            finally {
                lock.unlock();
            }
            count++;
        }
        return count;
    }

    /**
     * The counter as 20 zero-padded ASCII digits (cheap next to the lock, so the lock
     * dominates the loop).
     */
    static byte[] encode(long value) {
        byte[] digits = new byte[COUNTER_WIDTH];
        long rest = value;
        for (int i = COUNTER_WIDTH - 1; i >= 0; i--) {
            digits[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return digits;
    }

    private static long parse(ByteBuffer buffer) {
        if (buffer.position() != COUNTER_WIDTH) {
            throw new IllegalStateException(
                    "the counter file holds " + buffer.position() + " bytes, not " + COUNTER_WIDTH);
        }
        long value = 0;
        for (int i = 0; i < COUNTER_WIDTH; i++) {
            value = value * 10 + (buffer.get(i) - '0');
        }
        return value;
    }

}
