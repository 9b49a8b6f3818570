package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The in-JVM half of a read/write lock on one canonical path: who holds which mode how many times, and who waits.
 *
 * <p>Readers of the JVM share the backend's one shared hold (a second reader makes no OS call); a writer holds the
 * backend's exclusive hold alone. A waiting writer holds back new readers, except threads that already read (they
 * would otherwise wait for a writer that waits for them). Only one thread at a time talks to the backend; the others
 * wait on a condition and are woken in memory the moment the state changes. When the last holder leaves, the OS-level
 * hold is released even if threads of this JVM wait, so other processes get their turn.
 */
final class ReadWriteEntry {

    private final ReentrantLock mutex = new ReentrantLock();
    private final Condition changed = mutex.newCondition();
    private final ReadWriteBackend backend;

    private final Map<ReadWriteOwner, Integer> readers = new HashMap<>();
    private @Nullable ReadWriteOwner writer;
    private int writeLevels;
    private @Nullable LockMode osMode;
    private int waitingWriters;
    private int pending;
    private @Nullable Thread attempter;
    /** When each holder took its first level, and who waits: for diagnostics only. */
    private final Map<ReadWriteOwner, Instant> holdStarts = new HashMap<>();
    private final List<Thread> waitingThreads = new ArrayList<>(2);

    /** Lock objects attached to this entry; read and written only inside the table's atomic map operations. */
    int users;

    ReadWriteEntry(ReadWriteBackend backend) {
        this.backend = backend;
    }

    /**
     * Acquires one level of the given mode for the owner.
     *
     * @return true when acquired, false when the deadline passed first
     * @throws InterruptedException if the thread was interrupted while waiting (its status is cleared)
     * @throws IllegalStateException on an upgrade, a downgrade, a wait for the calling thread itself, or a closed lock
     * @throws FileLockException if the backend cannot use the lock file
     */
    boolean acquire(ReadWriteOwner owner, LockMode mode, Deadline deadline, Duration pollInterval, Path path)
            throws InterruptedException {
        mutex.lock();
        try {
            if (reenter(owner, mode, path)) {
                return true;
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
            } finally {
                waitingThreads.remove(me);
                pending--;
                if (mode == LockMode.WRITE) {
                    waitingWriters--;
                    changed.signalAll();
                }
            }
        } finally {
            mutex.unlock();
        }
    }

    private boolean awaitTurn(ReadWriteOwner owner, LockMode mode, Deadline deadline, Duration pollInterval, Path path)
            throws InterruptedException {
        while (true) {
            if (owner.lock().isClosed()) {
                throw ReadWriteMessages.closed(path);
            }
            if (mode == LockMode.READ && canJoinReaders(owner)) {
                readers.merge(owner, 1, Integer::sum);
                holdStarts.put(owner, Instant.now());
                return true;
            }
            if (mayAttemptOsLock(mode)) {
                if (attemptOsLock(mode, new BackendWait(deadline, pollInterval, owner.lock()::isClosed))) {
                    recordFirstLevel(owner, mode);
                    return true;
                }
                // An expired single attempt reports a timeout and leaves the interrupt status alone.
                if (!deadline.isExpired() && Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else if (!deadline.isExpired()) {
                awaitChange(deadline);
                continue;
            }
            if (deadline.isExpired() && !owner.lock().isClosed()) {
                return false;
            }
        }
    }

    /** Only one thread talks to the backend, only while nothing is held, and new readers give way to writers. */
    private boolean mayAttemptOsLock(LockMode mode) {
        return osMode == null && attempter == null && (mode == LockMode.WRITE || waitingWriters == 0);
    }

    private void awaitChange(Deadline deadline) throws InterruptedException {
        if (deadline.isForever()) {
            changed.await();
        } else {
            changed.awaitNanos(deadline.remainingNanos());
        }
    }

    private boolean canJoinReaders(ReadWriteOwner owner) {
        return osMode == LockMode.READ && (waitingWriters == 0 || readsOnSameThread(owner));
    }

    private boolean attemptOsLock(LockMode mode, BackendWait wait) {
        attempter = Thread.currentThread();
        boolean acquired = false;
        mutex.unlock();
        try {
            acquired = backend.acquire(mode, wait);
        } finally {
            mutex.lock();
            attempter = null;
            if (acquired) {
                osMode = mode;
            }
            changed.signalAll();
        }
        return acquired;
    }

    private void recordFirstLevel(ReadWriteOwner owner, LockMode mode) {
        holdStarts.put(owner, Instant.now());
        if (mode == LockMode.READ) {
            readers.put(owner, 1);
        } else {
            writer = owner;
            writeLevels = 1;
        }
    }

    private boolean reenter(ReadWriteOwner owner, LockMode mode, Path path) {
        Integer readLevels = readers.get(owner);
        if (readLevels != null) {
            if (mode == LockMode.WRITE) {
                throw ReadWriteMessages.upgrade(path);
            }
            readers.put(owner, readLevels + 1);
            return true;
        }
        if (owner.equals(writer)) {
            if (mode == LockMode.READ) {
                throw ReadWriteMessages.downgrade(path);
            }
            writeLevels++;
            return true;
        }
        return false;
    }

    /**
     * A thread that holds the path through another lock object would wait for itself: refuse at once, unless it only
     * makes one attempt (which then simply fails, as against another process).
     */
    private void refuseWaitingForItself(ReadWriteOwner owner, LockMode mode, Path path) {
        if (owner.thread() == null) {
            return;
        }
        if (writer != null && owner.isSameThreadElsewhere(writer)) {
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
     *
     * @return false if the owner held no level of that mode
     */
    boolean release(ReadWriteOwner owner, LockMode mode) {
        mutex.lock();
        try {
            if (heldMode(owner).orElse(null) != mode) {
                return false;
            }
            releaseLevels(owner, 1);
            return true;
        } finally {
            mutex.unlock();
        }
    }

    /** Releases one level, or all of them when forced, in whichever mode the owner holds; nothing when not held. */
    void release(ReadWriteOwner owner, boolean force) {
        mutex.lock();
        try {
            releaseLevels(owner, force ? Integer.MAX_VALUE : 1);
        } finally {
            mutex.unlock();
        }
    }

    /** Drops every level held through the lock object and wakes its waiters (which then see it closed). */
    void releaseAll(CoordinatedReadWriteLock lock) {
        mutex.lock();
        try {
            readers.keySet().removeIf(owner -> owner.lock() == lock);
            holdStarts.keySet().removeIf(owner -> owner.lock() == lock);
            if (writer != null && writer.lock() == lock) {
                writer = null;
                writeLevels = 0;
            }
            releaseOsLockIfUnheld();
            changed.signalAll();
            if (attempter != null) {
                // It may be pausing between two attempts for this lock object: let it see the close now.
                LockSupport.unpark(attempter);
            }
        } finally {
            mutex.unlock();
        }
    }

    private void releaseLevels(ReadWriteOwner owner, int count) {
        Integer readLevels = readers.get(owner);
        if (readLevels != null) {
            if (readLevels > count) {
                readers.put(owner, readLevels - count);
            } else {
                readers.remove(owner);
                holdStarts.remove(owner);
                releaseOsLockIfUnheld();
            }
        } else if (owner.equals(writer)) {
            if (writeLevels > count) {
                writeLevels -= count;
            } else {
                writer = null;
                writeLevels = 0;
                holdStarts.remove(owner);
                releaseOsLockIfUnheld();
            }
        }
    }

    /** Ends every hold, whoever took it, gives the OS-level lock back and wakes the waiters; false when none was held. */
    boolean forceRelease() {
        mutex.lock();
        try {
            if (writer == null && readers.isEmpty()) {
                return false;
            }
            readers.clear();
            writer = null;
            writeLevels = 0;
            holdStarts.clear();
            releaseOsLockIfUnheld();
            changed.signalAll();
            return true;
        } finally {
            mutex.unlock();
        }
    }

    /** A consistent copy of the state for diagnostics, or null when nobody holds or waits. */
    FileLockDiagnostics.@Nullable ActiveLock snapshot(Path canonicalPath, FileLockDiagnostics.LockType type) {
        mutex.lock();
        try {
            if (writer == null && readers.isEmpty() && waitingThreads.isEmpty()) {
                return null;
            }
            List<FileLockDiagnostics.Holder> holders = new ArrayList<>();
            if (writer != null) {
                holders.add(new FileLockDiagnostics.Holder(describe(writer), writeLevels, holdStarts.get(writer)));
            }
            readers.forEach((owner, levels) ->
                    holders.add(new FileLockDiagnostics.Holder(describe(owner), levels, holdStarts.get(owner))));
            List<String> waiting = waitingThreads.stream().map(Thread::getName).toList();
            LockMode mode = writer != null ? LockMode.WRITE : readers.isEmpty() ? null : LockMode.READ;
            return new FileLockDiagnostics.ActiveLock(canonicalPath, type, mode, holders, waiting);
        } finally {
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
            } finally {
                osMode = null;
                changed.signalAll();
            }
        }
    }

    Optional<LockMode> heldMode(ReadWriteOwner owner) {
        mutex.lock();
        try {
            if (readers.containsKey(owner)) {
                return Optional.of(LockMode.READ);
            }
            return owner.equals(writer) ? Optional.of(LockMode.WRITE) : Optional.empty();
        } finally {
            mutex.unlock();
        }
    }

    int levels(ReadWriteOwner owner) {
        mutex.lock();
        try {
            if (owner.equals(writer)) {
                return writeLevels;
            }
            return readers.getOrDefault(owner, 0);
        } finally {
            mutex.unlock();
        }
    }

    /** Tells whether nobody holds or waits; only then may the entry and its backend go. */
    boolean isIdle() {
        mutex.lock();
        try {
            return readers.isEmpty() && writer == null && pending == 0;
        } finally {
            mutex.unlock();
        }
    }

    void closeBackend() {
        backend.close();
    }
}
