package dev.filelock.spring.aop;

import dev.filelock.LockHold;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the holds of {@link dev.filelock.spring.FileLocked#holdAtLeast()} methods past
 * the end of their call until their minimum has passed, then releases them on one
 * scheduler thread (never a thread per hold; it exists only while holds are pending).
 * Once {@linkplain #releaseAll() stopped}, every pending hold is released and later ones
 * are released when their call ends, so a shutdown never waits for a minimum nor leaves a
 * thread behind.
 */
final class MinimumHolds {

    private static final Log logger = LogFactory.getLog(MinimumHolds.class);

    /** How long the idle scheduler thread lingers before it ends. */
    private static final long IDLE_SECONDS = 10;

    private final Object monitor = new Object();

    private final Set<MinimumHold> pending = ConcurrentHashMap.newKeySet();

    private @Nullable ScheduledThreadPoolExecutor scheduler;

    private boolean stopped;

    /**
     * Wraps a hold just acquired so that closing it releases the lock only once the
     * minimum has passed since now.
     * @param hold the hold, owned by the library (never by the calling thread, which will
     * not release it)
     * @param minimum the minimum hold; zero returns the hold itself
     * @param owner what the hold is for, such as the method, for messages
     * @return the hold to close when the call ends
     */
    LockHold keep(LockHold hold, Duration minimum, String owner) {
        if (minimum.isZero()) {
            return hold;
        }
        return new MinimumHold(hold, System.nanoTime() + minimum.toNanos(), owner);
    }

    /**
     * Returns the holds whose call ended and whose minimum has not passed yet, for
     * monitoring.
     */
    List<PendingHold> pending() {
        List<PendingHold> snapshot = new ArrayList<>();
        long now = System.nanoTime();
        for (MinimumHold hold : this.pending) {
            snapshot.add(new PendingHold(hold.path(), hold.owner, Duration.ofNanos(Math.max(0, hold.deadline - now))));
        }
        return snapshot;
    }

    /**
     * Lets minimum holds be kept again after {@link #releaseAll()} (a restarted
     * application context).
     */
    void start() {
        synchronized (this.monitor) {
            this.stopped = false;
        }
    }

    /**
     * Releases every pending hold now, releases later ones when their call ends, and ends
     * the scheduler thread.
     */
    void releaseAll() {
        ScheduledThreadPoolExecutor ending;
        synchronized (this.monitor) {
            this.stopped = true;
            ending = this.scheduler;
            this.scheduler = null;
        }
        if (ending != null) {
            ending.shutdownNow();
        }
        for (MinimumHold hold : this.pending) {
            hold.releaseNow();
        }
        if (ending != null) {
            try {
                // A release that the scheduler had started finishes before the context
                // goes on closing.
                ending.awaitTermination(IDLE_SECONDS, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Schedules a release unless stopped; returns whether it was scheduled. */
    private boolean schedule(MinimumHold hold, long delayNanos) {
        synchronized (this.monitor) {
            if (this.stopped) {
                return false;
            }
            this.pending.add(hold);
            try {
                scheduler().schedule(hold::releaseNow, delayNanos, TimeUnit.NANOSECONDS);
                return true;
            }
            catch (RejectedExecutionException ex) {
                this.pending.remove(hold);
                return false;
            }
        }
    }

    private ScheduledThreadPoolExecutor scheduler() {
        ScheduledThreadPoolExecutor current = this.scheduler;
        if (current == null) {
            current = new ScheduledThreadPoolExecutor(1, (task) -> {
                Thread thread = new Thread(task, "filelock-minimum-hold");
                thread.setDaemon(true);
                return thread;
            });
            // The thread ends when nothing is pending; a pending release keeps it (a
            // delayed task is not idle).
            current.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
            current.allowCoreThreadTimeOut(true);
            current.setRemoveOnCancelPolicy(true);
            this.scheduler = current;
        }
        return current;
    }

    /**
     * A hold whose call ended but whose minimum has not passed.
     *
     * @param path the lock's path or key
     * @param owner what the hold is for, such as the method
     * @param remaining how long it stays held at most
     */
    record PendingHold(Path path, String owner, Duration remaining) {
    }

    /** A hold released at the end of the call or of its minimum, whichever comes last. */
    private final class MinimumHold implements LockHold {

        private final LockHold hold;

        private final long deadline;

        private final String owner;

        private final AtomicBoolean closed = new AtomicBoolean();

        private final AtomicBoolean released = new AtomicBoolean();

        MinimumHold(LockHold hold, long deadline, String owner) {
            this.hold = hold;
            this.deadline = deadline;
            this.owner = owner;
        }

        @Override
        public Path path() {
            return this.hold.path();
        }

        /**
         * Ends the call's use of the hold: releases the lock now if the minimum has
         * passed (or the holds were stopped), with a failure thrown to the caller as for
         * any hold, otherwise on the scheduler thread when it passes.
         */
        @Override
        public void close() {
            if (!this.closed.compareAndSet(false, true)) {
                return;
            }
            long remaining = this.deadline - System.nanoTime();
            if (remaining > 0 && schedule(this, remaining)) {
                return;
            }
            if (this.released.compareAndSet(false, true)) {
                this.hold.close();
            }
        }

        /**
         * Releases a pending hold; a failure is logged, since its call has ended and
         * nobody else can be told.
         */
        void releaseNow() {
            if (!this.released.compareAndSet(false, true)) {
                return;
            }
            MinimumHolds.this.pending.remove(this);
            try {
                this.hold.close();
            }
            catch (RuntimeException | Error ex) {
                logger.error("Could not release the lock '" + this.hold.path() + "' of " + this.owner
                        + " after its minimum hold", ex);
            }
        }

        @Override
        public String toString() {
            return "minimum hold of " + this.owner + " on " + this.hold;
        }

    }

}
