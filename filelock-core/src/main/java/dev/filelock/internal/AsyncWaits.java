package dev.filelock.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The pending asynchronous acquisitions of every lock type, without a thread each: the
 * futures of one lock (one table key) wait in a FIFO queue, and a pump thread of
 * {@link LockThreads#ASYNC} waits on behalf of the queue's head with the lock's own
 * synchronous acquire (so the engines' in-memory waiting and kernel waiters serve it
 * unchanged), completes it and moves on to the next. Futures behind the head end at their
 * deadline through one timer thread; completing a future in any other way (cancel,
 * {@code orTimeout}, by hand) takes it out of its queue and interrupts the pump's wait
 * when it was the head, and a hold that arrives after that is released at once.
 *
 * <p>
 * At most {@link LockThreads#MAX_ASYNC_PUMPS} pumps run at once, however many futures and
 * paths wait. A pump serves a path for a turn of at most {@link #TURN} and then queues
 * the path behind the others: with up to that many paths every path keeps a pump (a turn
 * that ends is renewed at once), beyond it the paths take turns, so a path released
 * between its turns is taken at its next turn, like a poll.
 */
public final class AsyncWaits {

    /**
     * The longest a pump waits for one path before it lets the other paths with pending
     * futures have their turn.
     */
    static final Duration TURN = Duration.ofSeconds(1);

    private static final Object LOCK = new Object();

    /** The queues of the keys with pending futures; guarded by {@link #LOCK}. */
    private static final Map<Object, PathQueue> QUEUES = new HashMap<>();

    /** The queues whose turn comes next, in order; guarded by {@link #LOCK}. */
    private static final ArrayDeque<PathQueue> TURNS = new ArrayDeque<>();

    /** Guarded by {@link #LOCK}. */
    private static int pumps;

    /** The pumps waiting for a turn to take; guarded by {@link #LOCK}. */
    private static int idlePumps;

    /** Guarded by {@link #LOCK}. */
    private static long turnsTaken;

    private AsyncWaits() {
    }

    /**
     * Whether futures wait for the key: a new acquisition then queues behind them instead
     * of trying the lock on the caller's thread, which would overtake them.
     * @param key the lock's table key
     * @return whether the key has pending futures
     */
    public static boolean hasPending(Object key) {
        synchronized (LOCK) {
            return QUEUES.containsKey(key);
        }
    }

    /**
     * Counts the turns the pumps have taken so far, for tests that must see the pumps at
     * work.
     * @return the number of turns taken since the JVM started
     */
    public static long turnsTaken() {
        synchronized (LOCK) {
            return turnsTaken;
        }
    }

    /**
     * Queues an acquisition behind the pending ones of its key.
     * @param <H> the hold type
     * @param key the lock's table key: one queue per key
     * @param deadline when the future completes with {@code timeout}'s exception
     * @param attempt the synchronous acquire, run by a pump for at most a turn
     * @param givenUp asked after an attempt that returned nothing before the deadline;
     * true ends the future with {@code timeout}'s exception (the lock's cancel check), or
     * null
     * @param timeout the exception of a future whose deadline passed
     * @param discard releases a hold that arrived after its future was completed
     * @return the pending future
     */
    public static <H> CompletableFuture<H> enqueue(Object key, Deadline deadline, Attempt<H> attempt,
            @Nullable BooleanSupplier givenUp, Supplier<? extends RuntimeException> timeout, Consumer<H> discard) {
        Pending<H> pending = new Pending<>(deadline, attempt, givenUp, timeout, discard);
        if (!deadline.isForever()) {
            pending.timer = LockThreads.ASYNC_TIMER.schedule(pending::expire, Math.max(0, deadline.remainingNanos()),
                    TimeUnit.NANOSECONDS);
        }
        pending.whenComplete((hold, failure) -> pending.finished());
        PathQueue queue;
        boolean startTurn;
        synchronized (LOCK) {
            if (pending.isDone()) {
                return pending;
            }
            queue = QUEUES.computeIfAbsent(key, PathQueue::new);
            queue.pending.add(pending);
            pending.queue = queue;
            startTurn = !queue.served;
            queue.served = true;
        }
        if (startTurn) {
            queue.startTurn();
        }
        return pending;
    }

    private static void startPump() {
        try {
            LockThreads.ASYNC.newThread(AsyncWaits::pump).start();
        }
        catch (RuntimeException | Error e) {
            synchronized (LOCK) {
                pumps--; // the queued turns wait for the running pumps
            }
            throw e;
        }
    }

    /**
     * Takes turns in order until none has come for the keep-alive time.
     */
    private static void pump() {
        while (true) {
            PathQueue next;
            synchronized (LOCK) {
                long idleUntil = System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(LockThreads.ASYNC_PUMP_KEEP_ALIVE_MILLIS);
                while (TURNS.isEmpty()) {
                    long idleNanos = idleUntil - System.nanoTime();
                    if (idleNanos <= 0) {
                        pumps--;
                        return;
                    }
                    idlePumps++;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, idleNanos);
                    }
                    catch (InterruptedException stale) {
                        // only a cancelled wait interrupts a pump, and that one is over
                    }
                    finally {
                        idlePumps--;
                    }
                }
                next = TURNS.poll();
                turnsTaken++;
            }
            try {
                next.turn();
            }
            catch (RuntimeException e) {
                // releasing a hold that came too late failed: report it, keep pumping
                Thread pump = Thread.currentThread();
                pump.getUncaughtExceptionHandler().uncaughtException(pump, e);
            }
        }
    }

    /**
     * The synchronous acquire a pump runs for the head of a queue.
     *
     * @param <H> the hold type
     */
    @FunctionalInterface
    public interface Attempt<H> {

        /**
         * Waits for the lock until the given deadline (a turn's end, at most the future's
         * deadline); an interrupt ends the wait.
         * @param until when to give up
         * @return the hold, or null when none was taken in time
         * @throws InterruptedException when the future was completed while waiting
         */
        @Nullable H acquire(Deadline until) throws InterruptedException;

    }

    /**
     * The pending futures of one key, in the order they were submitted, and whether a
     * pump's turn is queued or running for them.
     */
    private static final class PathQueue {

        private final Object key;

        /** Guarded by {@link #LOCK}. */
        private final LinkedHashSet<Pending<?>> pending = new LinkedHashSet<>();

        /** Guarded by {@link #LOCK}: a turn is queued or running. */
        private boolean served;

        PathQueue(Object key) {
            this.key = key;
        }

        /**
         * Queues this path's next turn behind the others, and starts a pump when none is
         * idle and fewer than the bound run.
         */
        void startTurn() {
            startTurn(false);
        }

        /**
         * @param pumpFollows whether the calling pump looks for its next turn right away,
         * so that no other pump need be woken or started for this one
         */
        private void startTurn(boolean pumpFollows) {
            boolean startPump = false;
            synchronized (LOCK) {
                TURNS.add(this);
                if (pumpFollows) {
                    return;
                }
                if (TURNS.size() <= idlePumps) {
                    LOCK.notify();
                }
                else if (pumps < LockThreads.MAX_ASYNC_PUMPS) {
                    pumps++;
                    startPump = true;
                }
            }
            if (startPump) {
                startPump();
            }
        }

        /**
         * Serves the head for at most a turn, then queues the next turn behind the other
         * paths' (or forgets the key when nothing waits).
         */
        private void turn() {
            Pending<?> head;
            synchronized (LOCK) {
                Iterator<Pending<?>> first = pending.iterator();
                do {
                    if (!first.hasNext()) {
                        served = false;
                        QUEUES.remove(key, this);
                        return;
                    }
                    head = first.next();
                    if (head.isDone()) {
                        // completed while being queued, before it could find its place
                        first.remove();
                    }
                }
                while (head.isDone());
            }
            head.serve(this);
        }

        /**
         * Ends this turn: the next one goes behind the turns already queued.
         * @param pumpFollows whether the calling pump looks for its next turn right away
         */
        void next(boolean pumpFollows) {
            synchronized (LOCK) {
                if (pending.isEmpty()) {
                    served = false;
                    QUEUES.remove(key, this);
                    return;
                }
            }
            startTurn(pumpFollows);
        }

    }

    /**
     * One pending future: its place in its queue, its deadline's timer, and the pump
     * thread while one waits for it.
     */
    private static final class Pending<H> extends CompletableFuture<H> {

        private final Deadline deadline;

        private final Attempt<H> attempt;

        private final @Nullable BooleanSupplier givenUp;

        private final Supplier<? extends RuntimeException> timeout;

        private final Consumer<H> discard;

        /** Set before the future can be found in a queue, read by the pump. */
        private volatile @Nullable PathQueue queue;

        private volatile @Nullable ScheduledFuture<?> timer;

        /** The pump waiting for this future; guarded by this object. */
        private @Nullable Thread waiter;

        Pending(Deadline deadline, Attempt<H> attempt, @Nullable BooleanSupplier givenUp,
                Supplier<? extends RuntimeException> timeout, Consumer<H> discard) {
            this.deadline = deadline;
            this.attempt = attempt;
            this.givenUp = givenUp;
            this.timeout = timeout;
            this.discard = discard;
        }

        void expire() {
            if (!isDone()) {
                completeExceptionally(timeout.get());
            }
        }

        /**
         * Runs once the future is complete, however: gives back its timer and its place.
         */
        void finished() {
            ScheduledFuture<?> deadlineTimer = timer;
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            PathQueue place = queue;
            if (place != null) {
                synchronized (LOCK) {
                    place.pending.remove(this);
                }
            }
            stopWaiting();
        }

        /**
         * Waits for the lock for at most a turn as the head of the queue; ends the turn
         * before completing the future, so the caller's stages that run on this thread do
         * not hold up the next head.
         */
        void serve(PathQueue place) {
            if (!enter()) {
                synchronized (LOCK) {
                    place.pending.remove(this);
                }
                place.next(true);
                return;
            }
            H hold = null;
            RuntimeException failure = null;
            try {
                hold = attempt.acquire(turnEnd());
            }
            catch (InterruptedException completedMeanwhile) {
                // the future was completed: its place is already given back
            }
            catch (RuntimeException e) {
                failure = e;
            }
            catch (Error e) {
                leave();
                completeExceptionally(e);
                place.next(true);
                return;
            }
            leave();
            if (hold != null) {
                synchronized (LOCK) {
                    place.pending.remove(this);
                }
                place.next(false);
                if (!complete(hold)) {
                    discard.accept(hold);
                }
                return;
            }
            if (failure != null) {
                completeExceptionally(failure);
            }
            else if (!isDone() && (deadline.isExpired() || (givenUp != null && givenUp.getAsBoolean()))) {
                completeExceptionally(timeout.get());
            }
            place.next(true);
        }

        private Deadline turnEnd() {
            long remaining = deadline.remainingNanos();
            return remaining <= TURN.toNanos() ? deadline : Deadline.after(TURN);
        }

        private synchronized boolean enter() {
            if (isDone()) {
                return false;
            }
            waiter = Thread.currentThread();
            return true;
        }

        private synchronized void leave() {
            waiter = null;
            // The pump goes on to other paths: an interrupt meant for this wait must not
            // reach them.
            Thread.interrupted();
        }

        private synchronized void stopWaiting() {
            Thread pump = waiter;
            if (pump != null && pump != Thread.currentThread()) {
                pump.interrupt();
            }
        }

    }

}
