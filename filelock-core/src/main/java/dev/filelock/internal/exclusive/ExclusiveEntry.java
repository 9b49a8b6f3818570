package dev.filelock.internal.exclusive;

import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.ExclusiveRequest.ThreadOwner;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.LockThreads;
import dev.filelock.internal.flock.ChannelExclusiveBackend;
import dev.filelock.internal.flock.FlockExclusiveBackend;
import dev.filelock.internal.flock.FlockUnsupportedException;
import dev.filelock.internal.posix.ThreadSignals;
import dev.filelock.internal.soft.SoftExclusiveBackend;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide state of one exclusive lock path: who holds it and how often, the OS-level
 * hold, and the threads waiting for it. Waiting threads sleep on a condition and are
 * woken in memory on release; while another process holds the lock, one kernel-waiter
 * thread blocks in {@code flock} for all of them (or, for soft locks and beyond
 * {@link LockThreads#MAX_KERNEL_WAITERS} contended paths, waiters poll with a back-off
 * starting at 0.1 ms). When the last waiting thread leaves, the kernel waiter is
 * interrupted with a signal ({@link ThreadSignals}), so that it closes its descriptor and
 * its thread returns to the pool instead of waiting for a lock nobody wants any more.
 *
 * <p>
 * A release while threads of this JVM wait passes the OS-level lock to them still locked
 * ({@link #localHandover}), for at most {@link #LOCAL_HANDOVER_BUDGET_NANOS} of this
 * JVM's turn; then it is unlocked and left to other processes for
 * {@link #FAIRNESS_WINDOW_NANOS}. Soft locks are never passed on: with a lifetime, a
 * marker's age is its expiry.
 *
 * <p>
 * Every method expects {@link #mutex} to be held by the caller, except the kernel
 * waiter's own task, its gate and the reaper's re-signal, which take it themselves.
 */
final class ExclusiveEntry {

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    private static final long FIRST_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    /**
     * A signal that lands just before the kernel waiter enters {@code flock} is lost (the
     * call cannot be entered atomically with a check), so an abandoned kernel wait is
     * signalled again at this interval, as the JDK does for threads blocked in a channel
     * it closes.
     */
    private static final long RESIGNAL_MILLIS = 50;

    /**
     * Re-signals stop after five seconds, so a wait that no signal can end costs no
     * background work for ever.
     */
    private static final int MAX_RESIGNALS = 100;

    /**
     * How long this JVM may keep the OS-level lock while passing it from thread to thread
     * without unlocking it: long enough that the unlock, relock and wake-up of a pass
     * through the kernel are paid a few times a second instead of on every pass, short
     * enough that a waiter in another process is not kept out for long.
     */
    static final long LOCAL_HANDOVER_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * How long, after the budget ran out, no thread of this JVM takes the lock again:
     * longer than the 50 ms that Python's filelock sleeps between attempts, so that a
     * poller, which sees the lock free only if it is free at the moment it looks, finds
     * it free at least once.
     */
    static final long FAIRNESS_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(75);

    private static final Set<Path> WARNED_FALLBACK_DIRECTORIES = ConcurrentHashMap.newKeySet();

    final ExclusiveTable.Key key;

    final ReentrantLock mutex = new ReentrantLock();

    private final Condition changed = mutex.newCondition();

    private ExclusiveBackend backend;

    private @Nullable Object owner;

    private int holds;

    private ExclusiveBackend.@Nullable OsHold held;

    private @Nullable Instant heldSince;

    /**
     * An OS-level lock the kernel waiter won while threads were waiting, for the first of
     * them to take.
     */
    private ExclusiveBackend.@Nullable OsHold handedOver;

    /**
     * An OS-level lock a releasing thread passed to the threads of this JVM waiting for
     * it, still locked, for the first of them (or any thread arriving) to take.
     */
    private ExclusiveBackend.@Nullable OsHold localHandover;

    /**
     * When (nanoTime) this JVM's turn at the lock began: passes between its threads keep
     * it, and so does unlocking and taking it again within the fairness window, a gap
     * that a polling waiter in another process need not see; so it bounds how long this
     * JVM's threads may keep the lock from other processes.
     */
    private long turnStartNanos;

    /** When (nanoTime) this JVM last unlocked the OS-level lock. */
    private long lastUnlockNanos = System.nanoTime() - FAIRNESS_WINDOW_NANOS;

    /**
     * Until when (nanoTime) no thread of this JVM takes the lock, after the local
     * handover budget ran out; meaningful while {@link #yieldingToOthers} is set.
     */
    private long fairnessWindowEnd;

    private boolean yieldingToOthers;

    private boolean attempting;

    /**
     * Counts releases and hand-overs, so a thread can tell that one happened while it was
     * attempting.
     */
    private long generation;

    private boolean kernelWaiterRunning;

    private boolean kernelWaitFailed;

    /**
     * Whether the kernel waiter is inside its blocking call, the only time it may be
     * signalled.
     */
    private boolean kernelWaiterBlocked;

    private long kernelWaiterThread;

    private int resignals;

    private boolean resignalScheduled;

    private final List<Thread> waitingThreads = new ArrayList<>(2);

    /**
     * Counts ownerships: a hold remembers the one it was taken in, so closing it after
     * that ownership ended (a forced release) can never release a level of a later one.
     */
    private volatile long tenure;

    /**
     * Threads inside acquire, the owner, and a running kernel waiter; the table retires
     * the entry at zero.
     */
    int users;

    boolean retired;

    /**
     * Idle with its descriptor kept open, since {@link #parkedAt} (nanoTime); see
     * {@link ExclusiveTable}.
     */
    boolean parked;

    long parkedAt;

    ExclusiveEntry(ExclusiveTable.Key key) {
        this.key = key;
        this.backend = backendFor(key);
    }

    /**
     * The OS-level lock of a key: flock (Windows: a byte-range lock) or a marker file.
     */
    private static ExclusiveBackend backendFor(ExclusiveTable.Key key) {
        if (key.protocol() == LockProtocol.SOFT) {
            return new SoftExclusiveBackend(key.canonicalPath());
        }
        return com.sun.jna.Platform.isWindows() ? new ChannelExclusiveBackend(key.canonicalPath())
                : new FlockExclusiveBackend(key.canonicalPath());
    }

    /** Who holds the lock now, or null. */
    @Nullable Object owner() {
        return owner;
    }

    /** Adds a level for the owner, which the caller found holding. */
    void addLevel() {
        holds++;
    }

    /** Adds a level for an owner that already holds the lock; false if it does not. */
    boolean reenter(Object requester) {
        if (requester.equals(owner)) {
            holds++;
            return true;
        }
        return false;
    }

    /**
     * Waits until the request's owner holds the lock, or its deadline passes, or it is
     * cancelled; one attempt at least.
     * @return whether the lock was acquired
     * @throws InterruptedException if the request is interruptible and the thread was
     * interrupted
     */
    boolean acquire(ExclusiveRequest request) throws InterruptedException {
        Thread deadlockThread = request.selfDeadlockThread();
        if (deadlockThread != null && owner instanceof ThreadOwner holder && holder.thread() == deadlockThread) {
            throw new IllegalStateException("Deadlock: the lock '" + request.path()
                    + "' is already held by a different lock object in this thread; waiting for it would never end");
        }
        Thread me = Thread.currentThread();
        waitingThreads.add(me);
        boolean acquired = false;
        try {
            acquired = awaitOwnership(request);
            return acquired;
        }
        finally {
            waitingThreads.remove(me);
            releaseUnclaimedHandover();
            releaseUnclaimedLocalHandover();
            if (waitingThreads.isEmpty()) {
                stopUnwantedKernelWait();
            }
            if (!acquired) {
                // A thread that gives up may have been the one polling or starting the
                // kernel waiter: let another take over.
                changed.signalAll();
            }
        }
    }

    private boolean awaitOwnership(ExclusiveRequest request) throws InterruptedException {
        long pollNanos = request.options().pollInterval().toNanos();
        long backoffNanos = Math.min(FIRST_POLL_NANOS, pollNanos);
        boolean announcedWait = false;
        boolean interrupted = false;
        try {
            while (true) {
                if (owner == null && localHandover != null) {
                    ExclusiveBackend.OsHold passed = localHandover;
                    localHandover = null;
                    takeOver(request, passed);
                    return true;
                }
                if (owner == null && handedOver != null) {
                    ExclusiveBackend.OsHold won = handedOver;
                    handedOver = null;
                    becomeOwner(request, won);
                    return true;
                }
                long generationBefore = generation;
                long windowLeft = owner == null ? fairnessWindowLeft() : 0;
                if (owner == null && windowLeft == 0 && !attempting && attempt(request)) {
                    return true;
                }
                if (!request.blocking() || request.deadline().isExpired()) {
                    debug("Timeout on acquiring lock {0}", request.path());
                    return false;
                }
                if (request.cancelRequested()) {
                    debug("Cancellation requested for lock {0}", request.path());
                    return false;
                }
                if (generation != generationBefore) {
                    continue; // released or handed over while we were attempting: look
                              // again before sleeping
                }
                if (!announcedWait) {
                    debug("Lock {0} not acquired, waiting", request.path());
                    announcedWait = true;
                }
                long waitNanos = request.deadline().remainingNanos();
                if (request.cancelCheck() != null) {
                    waitNanos = Math.min(waitNanos, pollNanos);
                }
                if (windowLeft == 0 && owner == null && mayBlockInKernelItself(request)) {
                    if (blockInKernelItself(request)) {
                        return true;
                    }
                    continue;
                }
                if (windowLeft > 0) {
                    // Left to other processes for a moment: look again when it ends.
                    waitNanos = Math.min(waitNanos, windowLeft);
                }
                else if (owner == null) {
                    // Another process holds it (or a thread is finding out): the kernel
                    // wakes us, or we poll.
                    boolean kernelWakes = backend.canBlock() && !kernelWaitFailed
                            && (attempting || startKernelWaiter(request));
                    if (!kernelWakes) {
                        waitNanos = Math.min(waitNanos, backoffNanos);
                        backoffNanos = Math.min(backoffNanos * 2, pollNanos);
                    }
                }
                try {
                    changed.awaitNanos(waitNanos);
                }
                catch (InterruptedException e) {
                    if (request.interruptible()) {
                        throw e;
                    }
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                me().interrupt();
            }
        }
    }

    /**
     * One OS-level attempt, made outside the mutex so that releases and reentries never
     * wait for a system call.
     */
    private boolean attempt(ExclusiveRequest request) {
        attempting = true;
        ExclusiveBackend.@Nullable OsHold won = null;
        mutex.unlock();
        try {
            debug("Attempting to acquire lock {0}", request.path());
            won = tryBackend(request);
        }
        finally {
            mutex.lock();
            attempting = false;
        }
        if (won == null) {
            return false;
        }
        // A pending hold beside the one just won is only possible if the file was
        // replaced
        // under us: never keep two OS-level locks for one entry, and keep the one on the
        // file at the path now.
        discardPending(handedOver, won);
        handedOver = null;
        discardPending(localHandover, won);
        localHandover = null;
        becomeOwner(request, won);
        return true;
    }

    private void discardPending(ExclusiveBackend.@Nullable OsHold pending, ExclusiveBackend.OsHold won) {
        if (pending != null && pending != won) {
            backend.discard(pending);
        }
    }

    private ExclusiveBackend.@Nullable OsHold tryBackend(ExclusiveRequest request) {
        try {
            return backend.tryLock(request);
        }
        catch (FlockUnsupportedException e) {
            fallBackToMarkerFile(request.path());
            return backend.tryLock(request);
        }
    }

    private void fallBackToMarkerFile(Path path) {
        backend.close();
        backend = new SoftExclusiveBackend(key.canonicalPath());
        Path directory = key.canonicalPath().getParent();
        if (WARNED_FALLBACK_DIRECTORIES.add(directory == null ? key.canonicalPath() : directory)) {
            LOG.log(Level.WARNING,
                    "flock is not supported on the file system of {0}; falling back to a soft (marker file) lock",
                    path);
        }
    }

    private void becomeOwner(ExclusiveRequest request, ExclusiveBackend.OsHold won) {
        long now = System.nanoTime();
        if (now - lastUnlockNanos >= FAIRNESS_WINDOW_NANOS) {
            turnStartNanos = now;
        }
        yieldingToOthers = false;
        takeOver(request, won);
    }

    /**
     * Makes the request's owner the holder of an OS-level lock this JVM holds already
     * (just taken, or passed on by the previous holder).
     */
    private void takeOver(ExclusiveRequest request, ExclusiveBackend.OsHold won) {
        tenure++;
        owner = request.owner();
        holds = 1;
        held = won;
        heldSince = Instant.now();
        debug("Lock {0} acquired", request.path());
    }

    /**
     * Whether the asking thread may block in {@code flock} itself, which spares the
     * kernel waiter's wake-up of it on release: only for a wait that nothing may end
     * (uninterruptible, no deadline, no cancel check: {@code lock()}), since nothing can
     * reach a thread in that call, and only as the sole waiter with no kernel waiter or
     * attempt running, since no other attempt may share its descriptor. Threads arriving
     * meanwhile wait on the condition as they do behind any attempt.
     */
    private boolean mayBlockInKernelItself(ExclusiveRequest request) {
        return request.blocking() && !request.interruptible() && request.cancelCheck() == null
                && request.deadline().isForever() && backend.canBlock() && !kernelWaitFailed && !attempting
                && !kernelWaiterRunning && handedOver == null && waitingThreads.size() == 1;
    }

    /**
     * Blocks in the kernel on the asking thread, outside the mutex and marked as an
     * attempt so that no other thread attempts or starts a kernel waiter meanwhile.
     * @return whether the lock is ours; false if the wait failed (then every waiter
     * polls, as after a failed kernel waiter)
     */
    private boolean blockInKernelItself(ExclusiveRequest request) {
        attempting = true;
        ExclusiveBackend.@Nullable OsHold won = null;
        mutex.unlock();
        try {
            won = backend.lockBlockingAlone(request);
        }
        catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Waiting in the kernel for " + request.path() + " failed; waiters poll instead", e);
        }
        finally {
            mutex.lock();
            attempting = false;
        }
        if (won == null) {
            kernelWaitFailed = true;
            changed.signalAll(); // threads that waited behind this attempt look again
            return false;
        }
        // No hand-over can be pending: no kernel waiter ran, and none starts during an
        // attempt.
        becomeOwner(request, won);
        return true;
    }

    /**
     * Starts the kernel waiter unless one runs; false when all kernel-waiter threads are
     * busy, so callers poll.
     */
    private boolean startKernelWaiter(ExclusiveRequest request) {
        if (kernelWaiterRunning) {
            return true;
        }
        kernelWaiterRunning = true;
        users++;
        try {
            LockThreads.KERNEL_WAITERS.execute(() -> waitInKernel(request));
            return true;
        }
        catch (RejectedExecutionException allBusy) {
            kernelWaiterRunning = false;
            users--;
            return false;
        }
    }

    /**
     * Runs on a kernel-waiter thread: block in the kernel, then hand the lock to a
     * waiting thread or give it back.
     */
    private void waitInKernel(ExclusiveRequest request) {
        ExclusiveBackend.@Nullable OsHold won = null;
        boolean failed = false;
        try {
            won = backend.lockBlocking(request, new KernelWait(ThreadSignals.currentThread()));
        }
        catch (RuntimeException e) {
            failed = true;
            LOG.log(Level.DEBUG, "Waiting in the kernel for " + request.path() + " failed; waiters poll instead", e);
        }
        mutex.lock();
        try {
            kernelWaiterRunning = false;
            kernelWaiterBlocked = false;
            kernelWaitFailed |= failed;
            if (won != null) {
                if (owner == null && handedOver == null && !waitingThreads.isEmpty()) {
                    handedOver = won;
                    generation++;
                }
                else {
                    backend.unlock(won);
                }
            }
            changed.signalAll();
        }
        finally {
            ExclusiveTable.INSTANCE.checkin(this);
        }
    }

    /**
     * Interrupts the kernel waiter's blocking call when no thread waits any more; it then
     * finds nobody waiting, closes its descriptor and ends. A thread that arrives
     * meanwhile keeps it waiting instead.
     */
    private void stopUnwantedKernelWait() {
        if (!kernelWaiterBlocked || !ThreadSignals.wake(kernelWaiterThread)) {
            return;
        }
        resignals = 0;
        if (!resignalScheduled) {
            resignalScheduled = true;
            scheduleResignal();
        }
    }

    private void scheduleResignal() {
        try {
            LockThreads.REAPER.schedule(this::resignalIfStillUnwanted, RESIGNAL_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException e) {
            resignalScheduled = false;
        }
    }

    private void resignalIfStillUnwanted() {
        mutex.lock();
        try {
            if (kernelWaiterBlocked && waitingThreads.isEmpty() && resignals++ < MAX_RESIGNALS
                    && ThreadSignals.wake(kernelWaiterThread)) {
                scheduleResignal();
            }
            else {
                resignalScheduled = false;
            }
        }
        finally {
            mutex.unlock();
        }
    }

    /**
     * The kernel waiter's view of the entry: whether anyone still waits, and when it may
     * be signalled.
     */
    private final class KernelWait implements ExclusiveBackend.KernelWaitGate {

        /** The kernel waiter's own {@code pthread_t}, taken on that thread. */
        private final long thread;

        KernelWait(long thread) {
            this.thread = thread;
        }

        @Override
        public boolean enter() {
            mutex.lock();
            try {
                if (waitingThreads.isEmpty()) {
                    return false;
                }
                kernelWaiterThread = thread;
                kernelWaiterBlocked = true;
                return true;
            }
            finally {
                mutex.unlock();
            }
        }

        @Override
        public void left() {
            mutex.lock();
            try {
                kernelWaiterBlocked = false;
            }
            finally {
                mutex.unlock();
            }
        }

    }

    /**
     * Gives back a lock the kernel waiter won when every thread it was meant for has
     * left.
     */
    private void releaseUnclaimedHandover() {
        if (handedOver != null && waitingThreads.isEmpty()) {
            backend.unlock(handedOver);
            handedOver = null;
        }
    }

    /**
     * Releases one level (or all with {@code force}) of the given owner's hold.
     * @return whether the owner's hold ended, so the caller's user count must be returned
     * to the table
     */
    boolean release(Object requester, boolean force, Path path) {
        if (!requester.equals(owner)) {
            return false;
        }
        holds--;
        if (holds > 0 && !force) {
            return false;
        }
        debug("Attempting to release lock {0}", path);
        ExclusiveBackend.OsHold osHold = held;
        owner = null;
        holds = 0;
        held = null;
        heldSince = null;
        if (osHold != null) {
            passOrUnlock(osHold);
        }
        generation++;
        changed.signal(); // one waiter can take it; a waiter that gives up wakes the next
        debug("Lock {0} released", path);
        return true;
    }

    /**
     * Passes the OS-level lock, still locked, to the threads of this JVM that wait for it
     * while the local handover budget lasts; otherwise unlocks it, and when the budget
     * ran out with threads still waiting, keeps them off it for the fairness window, so
     * that a waiter in another process, polling or blocked in the kernel, gets its turn.
     */
    private void passOrUnlock(ExclusiveBackend.OsHold osHold) {
        if (!waitingThreads.isEmpty() && !(backend instanceof SoftExclusiveBackend)) {
            long now = System.nanoTime();
            if (now - turnStartNanos < LOCAL_HANDOVER_BUDGET_NANOS) {
                localHandover = osHold;
                return;
            }
            yieldingToOthers = true;
            fairnessWindowEnd = now + FAIRNESS_WINDOW_NANOS;
        }
        backend.unlock(osHold);
        lastUnlockNanos = System.nanoTime();
    }

    /**
     * The nanoseconds left of the fairness window, or 0 when this JVM's threads may take
     * the lock.
     */
    private long fairnessWindowLeft() {
        if (!yieldingToOthers) {
            return 0;
        }
        long left = fairnessWindowEnd - System.nanoTime();
        if (left <= 0) {
            yieldingToOthers = false;
            return 0;
        }
        return left;
    }

    /**
     * Gives back at the OS level a lock passed locally when every thread it was passed to
     * has left without taking it.
     */
    private void releaseUnclaimedLocalHandover() {
        if (localHandover != null && waitingThreads.isEmpty()) {
            backend.unlock(localHandover);
            localHandover = null;
            lastUnlockNanos = System.nanoTime();
        }
    }

    /**
     * Ends the current owner's hold, all levels, whoever asks; false when nobody holds
     * the lock.
     */
    boolean forceRelease() {
        Object current = owner;
        return current != null && release(current, true, key.canonicalPath());
    }

    long tenure() {
        return tenure;
    }

    int holdsOf(Object requester) {
        return requester.equals(owner) ? holds : 0;
    }

    boolean isIdle() {
        return users == 0 && owner == null && handedOver == null && localHandover == null && !kernelWaiterRunning;
    }

    boolean hasReusableResources() {
        return backend.hasReusableResources();
    }

    void closeBackend() {
        backend.close();
    }

    /** A consistent copy of the state, for diagnostics. */
    LockSnapshot snapshot() {
        List<String> waiting = new ArrayList<>(waitingThreads.size());
        for (Thread thread : waitingThreads) {
            waiting.add(thread.getName());
        }
        List<LockSnapshot.Holder> holders = owner == null ? List.of() : List.of(new LockSnapshot.Holder(
                owner instanceof ThreadOwner threadOwner ? threadOwner.thread().getName() : "(shared by all threads)",
                holds, heldSince));
        // A native lock that fell back to a marker file is, on disk, a soft lock.
        LockProtocol protocol = backend instanceof SoftExclusiveBackend ? LockProtocol.SOFT : key.protocol();
        return new LockSnapshot(key.canonicalPath(), protocol, false, null, holders, waiting);
    }

    private static Thread me() {
        return Thread.currentThread();
    }

    private static void debug(String message, Path path) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, message, path);
        }
    }

}
