package dev.filelock.internal.readwrite;

import dev.filelock.LockMode;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.ReadWriteBackendWait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The in-JVM half of a read/write lock on one canonical path: who holds which mode how
 * many times, and who waits.
 *
 * <p>
 * Readers of the JVM share the backend's one shared hold (a second reader makes no OS
 * call); a writer holds the backend's exclusive hold alone. A waiting writer, of this JVM
 * or (where the backend can tell) of another process, holds back new readers, except
 * threads that already read (they would otherwise wait for a writer that waits for them).
 * Only one thread at a time talks to the backend; the others wait on a condition and are
 * woken in memory the moment the state changes. When the last holder leaves, the OS-level
 * hold is released even if threads of this JVM wait, so other processes get their turn.
 */
final class ReadWriteEntry {

    /** What {@link #parkedAt()} answers for an entry whose backend has nothing parked. */
    static final long NOT_PARKED = Long.MIN_VALUE;

    private final ReentrantLock mutex = new ReentrantLock();

    private final Condition changed = mutex.newCondition();

    private final ReadWriteTable table;

    private final ReadWriteBackend backend;

    private final Map<ReadWriteOwner, ReadWriteLevels> readers = new HashMap<>();

    private @Nullable ReadWriteLevels writer;

    private @Nullable LockMode osMode;

    private int waitingWriters;

    private int pending;

    private @Nullable Thread attempter;

    /**
     * Whether the backend said, to the waiter that asked last (under the mutex, right
     * before it waits), that a writer of another process waits, so that this waiter must
     * wait too and look again.
     */
    private boolean heldBackByOtherProcess;

    /** Who waits: for diagnostics only. */
    private final List<Thread> waitingThreads = new ArrayList<>(2);

    /**
     * Whether the backend keeps idle resources open (counted by the table), since when:
     * set only while nothing is held and nobody talks to the backend, cleared before
     * anyone does again.
     */
    private boolean parked;

    private long parkedAt;

    /**
     * Lock objects attached to this entry; read and written only inside the table's
     * atomic map operations.
     */
    int users;

    ReadWriteEntry(ReadWriteTable table, ReadWriteBackend backend) {
        this.table = table;
        this.backend = backend;
    }

    /**
     * Acquires one level of the given mode for the owner.
     * @return the owner's levels when acquired, null when the deadline passed first
     * @throws InterruptedException if the thread was interrupted while waiting (its
     * status is cleared)
     * @throws IllegalStateException on an upgrade, a downgrade, a wait for the calling
     * thread itself, or a closed lock
     * @throws FileLockException if the backend cannot use the lock file
     */
    @Nullable ReadWriteLevels acquire(ReadWriteOwner owner, LockMode mode, Deadline deadline, Duration pollInterval, Path path)
            throws InterruptedException {
        mutex.lock();
        try {
            ReadWriteLevels reentered = reenter(owner, mode, path);
            if (reentered != null) {
                return reentered;
            }
            if (!deadline.isExpired()) {
                refuseWaitingForItself(owner, mode, path);
            }
            pending++;
            if (mode == LockMode.WRITE) {
                waitingWriters++;
            }
            Thread me = Thread.currentThread();
            waitingThreads.add(me);
            try {
                return awaitTurn(owner, mode, deadline, pollInterval, path);
            }
            finally {
                waitingThreads.remove(me);
                pending--;
                if (mode == LockMode.WRITE) {
                    waitingWriters--;
                    changed.signalAll();
                }
            }
        }
        finally {
            unlockAndSweep();
        }
    }

    /**
     * Adds a level to levels the caller holds, without looking the owner up.
     * @return false when those levels have ended or are of the other mode: the caller
     * then takes {@link #acquire}, which also refuses an upgrade or a downgrade
     */
    boolean reenter(ReadWriteLevels levels, LockMode mode) {
        mutex.lock();
        try {
            if (!levels.isHeld() || levels.mode != mode) {
                return false;
            }
            levels.count++;
            return true;
        }
        finally {
            mutex.unlock();
        }
    }

    private @Nullable ReadWriteLevels awaitTurn(ReadWriteOwner owner, LockMode mode, Deadline deadline,
            Duration pollInterval, Path path) throws InterruptedException {
        while (true) {
            if (owner.lock().isClosed()) {
                throw ReadWriteMessages.closed(path);
            }
            if (mode == LockMode.READ && canJoinReaders(owner)) {
                return recordFirstLevel(owner, mode);
            }
            if (mayAttemptOsLock(mode)) {
                if (attemptOsLock(mode, new ReadWriteBackendWait(deadline, pollInterval, owner.lock()::isClosed))) {
                    return recordFirstLevel(owner, mode);
                }
                // An expired single attempt reports a timeout and leaves the interrupt
                // status alone.
                if (!deadline.isExpired() && Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            else if (!deadline.isExpired()) {
                // Nothing here tells when a writer of another process stops waiting (it
                // may give up or die): look again.
                awaitChange(deadline, heldBackByOtherProcess ? pollInterval : null);
                continue;
            }
            if (deadline.isExpired() && !owner.lock().isClosed()) {
                return null;
            }
        }
    }

    /**
     * Only one thread talks to the backend, only while nothing is held, and new readers
     * give way to writers.
     */
    private boolean mayAttemptOsLock(LockMode mode) {
        return osMode == null && attempter == null && (mode == LockMode.WRITE || waitingWriters == 0);
    }

    private void awaitChange(Deadline deadline, @Nullable Duration atMost) throws InterruptedException {
        if (deadline.isForever() && atMost == null) {
            changed.await();
        }
        else {
            long nanos = deadline.isForever() ? Long.MAX_VALUE : deadline.remainingNanos();
            changed.awaitNanos(atMost == null ? nanos : Math.min(nanos, atMost.toNanos()));
        }
    }

    private boolean canJoinReaders(ReadWriteOwner owner) {
        heldBackByOtherProcess = false;
        if (osMode != LockMode.READ) {
            return false;
        }
        if (waitingWriters == 0) {
            heldBackByOtherProcess = !backend.admitsNewReaders();
            if (!heldBackByOtherProcess) {
                return true;
            }
        }
        // A thread that already reads joins whoever waits: it would otherwise wait for a
        // writer that waits for it.
        return readsOnSameThread(owner);
    }

    private boolean attemptOsLock(LockMode mode, ReadWriteBackendWait wait) {
        unpark();
        attempter = Thread.currentThread();
        boolean acquired = false;
        mutex.unlock();
        try {
            acquired = backend.acquire(mode, wait);
        }
        finally {
            mutex.lock();
            attempter = null;
            if (acquired) {
                osMode = mode;
            }
            else {
                parkIfIdle();
            }
            changed.signalAll();
        }
        return acquired;
    }

    private ReadWriteLevels recordFirstLevel(ReadWriteOwner owner, LockMode mode) {
        ReadWriteLevels levels = new ReadWriteLevels(owner, mode);
        if (mode == LockMode.READ) {
            readers.put(owner, levels);
        }
        else {
            writer = levels;
        }
        owner.lock().levelsTaken(levels);
        return levels;
    }

    private @Nullable ReadWriteLevels reenter(ReadWriteOwner owner, LockMode mode, Path path) {
        ReadWriteLevels levels = levelsOf(owner);
        if (levels == null) {
            return null;
        }
        if (levels.mode != mode) {
            throw mode == LockMode.WRITE ? ReadWriteMessages.upgrade(path) : ReadWriteMessages.downgrade(path);
        }
        levels.count++;
        owner.lock().levelsTaken(levels);
        return levels;
    }

    private @Nullable ReadWriteLevels levelsOf(ReadWriteOwner owner) {
        ReadWriteLevels levels = readers.get(owner);
        if (levels != null) {
            return levels;
        }
        return writer != null && writer.owner.equals(owner) ? writer : null;
    }

    /**
     * A thread that holds the path through another lock object would wait for itself:
     * refuse at once, unless it only makes one attempt (which then simply fails, as
     * against another process).
     */
    private void refuseWaitingForItself(ReadWriteOwner owner, LockMode mode, Path path) {
        if (owner.thread() == null) {
            return;
        }
        if (writer != null && owner.isSameThreadElsewhere(writer.owner)) {
            throw ReadWriteMessages.heldElsewhere(path, LockMode.WRITE, mode);
        }
        if (mode == LockMode.WRITE && readers.keySet().stream().anyMatch(owner::isSameThreadElsewhere)) {
            throw ReadWriteMessages.heldElsewhere(path, LockMode.READ, mode);
        }
    }

    private boolean readsOnSameThread(ReadWriteOwner owner) {
        Thread thread = owner.thread();
        return thread != null && readers.keySet().stream().anyMatch(reader -> reader.thread() == thread);
    }

    /**
     * Releases one level of the given mode.
     * @return false if the owner held no level of that mode
     */
    boolean release(ReadWriteOwner owner, LockMode mode) {
        mutex.lock();
        try {
            ReadWriteLevels levels = levelsOf(owner);
            if (levels == null || levels.mode != mode) {
                return false;
            }
            releaseLevels(levels, 1);
            return true;
        }
        finally {
            unlockAndSweep();
        }
    }

    /**
     * Releases one of the given levels, without looking the owner up.
     * @return false if they have ended (released by force or by closing the lock object):
     * nothing was released
     */
    boolean release(ReadWriteLevels levels) {
        mutex.lock();
        try {
            if (!levels.isHeld()) {
                return false;
            }
            releaseLevels(levels, 1);
            return true;
        }
        finally {
            unlockAndSweep();
        }
    }

    /**
     * Releases one level, or all of them when forced, in whichever mode the owner holds;
     * nothing when not held.
     */
    void release(ReadWriteOwner owner, boolean force) {
        mutex.lock();
        try {
            ReadWriteLevels levels = levelsOf(owner);
            if (levels != null) {
                releaseLevels(levels, force ? Integer.MAX_VALUE : 1);
            }
        }
        finally {
            unlockAndSweep();
        }
    }

    /**
     * Drops every level held through the lock object and wakes its waiters (which then
     * see it closed).
     */
    void releaseAll(CoordinatedReadWriteLock lock) {
        mutex.lock();
        try {
            for (Iterator<ReadWriteLevels> held = readers.values().iterator(); held.hasNext();) {
                ReadWriteLevels levels = held.next();
                if (levels.owner.lock() == lock) {
                    end(levels);
                    held.remove();
                }
            }
            if (writer != null && writer.owner.lock() == lock) {
                end(writer);
                writer = null;
            }
            releaseOsLockIfUnheld();
            changed.signalAll();
            if (attempter != null) {
                // It may be pausing between two attempts for this lock object: let it see
                // the close now.
                LockSupport.unpark(attempter);
            }
        }
        finally {
            unlockAndSweep();
        }
    }

    private void releaseLevels(ReadWriteLevels levels, int count) {
        if (levels.count > count) {
            levels.count -= count;
            return;
        }
        end(levels);
        if (levels.mode == LockMode.READ) {
            readers.remove(levels.owner);
        }
        else {
            writer = null;
        }
        releaseOsLockIfUnheld();
    }

    /**
     * Marks levels as ended, so that their holds and the lock object's shortcut no longer
     * count on them.
     */
    private static void end(ReadWriteLevels levels) {
        levels.count = 0;
        levels.owner.lock().levelsEnded(levels);
    }

    /**
     * Ends every hold, whoever took it, gives the OS-level lock back and wakes the
     * waiters; false when none was held.
     */
    boolean forceRelease() {
        mutex.lock();
        try {
            if (writer == null && readers.isEmpty()) {
                return false;
            }
            readers.values().forEach(ReadWriteEntry::end);
            readers.clear();
            if (writer != null) {
                end(writer);
                writer = null;
            }
            releaseOsLockIfUnheld();
            changed.signalAll();
            return true;
        }
        finally {
            unlockAndSweep();
        }
    }

    /**
     * A consistent copy of the state for diagnostics, or null when nobody holds or waits.
     */
    @Nullable LockSnapshot snapshot(ReadWriteTable.Key key) {
        mutex.lock();
        try {
            if (writer == null && readers.isEmpty() && waitingThreads.isEmpty()) {
                return null;
            }
            List<LockSnapshot.Holder> holders = new ArrayList<>();
            if (writer != null) {
                holders.add(new LockSnapshot.Holder(describe(writer.owner), writer.count, writer.heldSince));
            }
            readers.forEach((owner, levels) -> holders
                .add(new LockSnapshot.Holder(describe(owner), levels.count, levels.heldSince)));
            List<String> waiting = waitingThreads.stream().map(Thread::getName).toList();
            LockMode mode = writer != null ? LockMode.WRITE : readers.isEmpty() ? null : LockMode.READ;
            return new LockSnapshot(key.canonicalPath(), key.protocol(), true, mode, holders, waiting);
        }
        finally {
            mutex.unlock();
        }
    }

    private static String describe(ReadWriteOwner owner) {
        Thread thread = owner.thread();
        if (thread != null) {
            return thread.getName();
        }
        return owner.token() != null ? "(asynchronous hold)" : "(shared by all threads)";
    }

    private void releaseOsLockIfUnheld() {
        if (osMode != null && writer == null && readers.isEmpty()) {
            try {
                backend.release();
            }
            finally {
                osMode = null;
                parkIfIdle();
                changed.signalAll();
            }
        }
    }

    /**
     * Counts the backend's idle resources as parked, while nothing is held and nobody
     * talks to the backend.
     */
    private void parkIfIdle() {
        if (!parked && osMode == null && attempter == null && backend.keepsIdleResources()) {
            parked = true;
            parkedAt = System.nanoTime();
            table.parked();
        }
    }

    private void unpark() {
        if (parked) {
            parked = false;
            table.unparked();
        }
    }

    /**
     * Unlocks the mutex and lets the table close the longest-parked resources if too many
     * are parked.
     */
    private void unlockAndSweep() {
        mutex.unlock();
        table.sweepIfOverfull();
    }

    /**
     * Since when the backend's idle resources are parked ({@link System#nanoTime()}), or
     * {@link #NOT_PARKED}.
     */
    long parkedAt() {
        mutex.lock();
        try {
            return parked ? parkedAt : NOT_PARKED;
        }
        finally {
            mutex.unlock();
        }
    }

    /**
     * Closes the backend's idle resources if they are still the ones parked at that time.
     * Under the mutex, with nothing held and no attempt running (an attempt unparks
     * first), so a connection that holds a lock, or that another thread is about to use,
     * is never closed; the next acquire reopens it.
     */
    void closeIfStillParked(long since) {
        mutex.lock();
        try {
            if (parked && parkedAt == since && osMode == null && attempter == null) {
                unpark();
                backend.closeIdle();
            }
        }
        finally {
            mutex.unlock();
        }
    }

    Optional<LockMode> heldMode(ReadWriteOwner owner) {
        mutex.lock();
        try {
            ReadWriteLevels levels = levelsOf(owner);
            return levels == null ? Optional.empty() : Optional.of(levels.mode);
        }
        finally {
            mutex.unlock();
        }
    }

    int levels(ReadWriteOwner owner) {
        mutex.lock();
        try {
            ReadWriteLevels levels = levelsOf(owner);
            return levels == null ? 0 : levels.count;
        }
        finally {
            mutex.unlock();
        }
    }

    /**
     * Tells whether nobody holds or waits; only then may the entry and its backend go.
     */
    boolean isIdle() {
        mutex.lock();
        try {
            return readers.isEmpty() && writer == null && pending == 0;
        }
        finally {
            mutex.unlock();
        }
    }

    void closeBackend() {
        mutex.lock();
        try {
            unpark();
            backend.close();
        }
        finally {
            mutex.unlock();
        }
    }

}
