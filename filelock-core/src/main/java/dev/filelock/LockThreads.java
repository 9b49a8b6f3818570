package dev.filelock;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's two thread pools, both of daemon threads that end after a few idle seconds: kernel waiters (a thread
 * blocked in {@code flock} for a contended path, at most one per path) and async acquisitions.
 */
final class LockThreads {

    static final ExecutorService KERNEL_WAITERS = pool("filelock-waiter-");
    static final ExecutorService ASYNC = pool("filelock-async-");

    private LockThreads() {}

    private static ExecutorService pool(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
