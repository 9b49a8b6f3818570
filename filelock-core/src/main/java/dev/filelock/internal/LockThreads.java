package dev.filelock.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's thread pools, all of daemon threads that end when idle: kernel waiters (a
 * thread blocked in {@code flock} for a contended path, at most one per path and at most
 * {@link #MAX_KERNEL_WAITERS} in all), the reaper that makes sure an abandoned kernel
 * wait ends, and async acquisitions.
 */
public final class LockThreads {

    /**
     * Each blocked kernel waiter costs a thread and a descriptor for as long as another
     * process holds its path. 64 covers the paths a program realistically waits for at
     * once, each with kernel-speed handoff, while thousands of contended paths cost at
     * most 64 threads and descriptors (a quarter of macOS's default limit of 256); a
     * waiter for a path beyond them polls with the back-off, as soft locks do.
     */
    public static final int MAX_KERNEL_WAITERS = 64;

    /**
     * Idle kernel waiters end after this long, so waiting gives its threads back about a
     * second after it ended.
     */
    private static final long KERNEL_WAITER_KEEP_ALIVE_MILLIS = 1_000;

    /**
     * Runs kernel waits; rejects a task (the caller then polls) when
     * {@link #MAX_KERNEL_WAITERS} threads are busy.
     */
    public static final ExecutorService KERNEL_WAITERS = new ThreadPoolExecutor(0, MAX_KERNEL_WAITERS,
            KERNEL_WAITER_KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
            daemons("filelock-waiter-"));

    /**
     * Re-checks abandoned kernel waits: one thread, while there is something to check,
     * then gone after a second.
     */
    public static final ScheduledThreadPoolExecutor REAPER = reaper();

    public static final ExecutorService ASYNC = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), daemons("filelock-async-"));

    private LockThreads() {
    }

    private static ScheduledThreadPoolExecutor reaper() {
        ScheduledThreadPoolExecutor reaper = new ScheduledThreadPoolExecutor(1, daemons("filelock-waiter-reaper-"));
        reaper.setKeepAliveTime(KERNEL_WAITER_KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        reaper.allowCoreThreadTimeOut(true);
        reaper.setRemoveOnCancelPolicy(true);
        return reaper;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

}
