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
 * wait ends, and the pumps and the timer of pending asynchronous acquisitions
 * ({@link AsyncWaits}).
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

    /**
     * Pending asynchronous acquisitions wait without a thread each: at most this many
     * pump threads wait for them, one path at a time each (see {@link AsyncWaits}).
     */
    public static final int MAX_ASYNC_PUMPS = 32;

    /**
     * Makes the pump threads of {@link AsyncWaits}, which starts at most
     * {@link #MAX_ASYNC_PUMPS} and ends each after {@link #ASYNC_PUMP_KEEP_ALIVE_MILLIS}
     * without a path to serve.
     */
    public static final ThreadFactory ASYNC = daemons("filelock-async-");

    /** Idle pumps end after this long. */
    public static final long ASYNC_PUMP_KEEP_ALIVE_MILLIS = 1_000;

    /**
     * Ends the pending asynchronous acquisitions whose deadline passed: one thread while
     * any has a deadline, gone a second after the last.
     */
    public static final ScheduledThreadPoolExecutor ASYNC_TIMER = timer("filelock-async-timer-");

    private LockThreads() {
    }

    private static ScheduledThreadPoolExecutor reaper() {
        return timer("filelock-waiter-reaper-");
    }

    private static ScheduledThreadPoolExecutor timer(String prefix) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemons(prefix));
        timer.setKeepAliveTime(KERNEL_WAITER_KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        timer.allowCoreThreadTimeOut(true);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
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
