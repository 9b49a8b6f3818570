package dev.filelock.internal.flock;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.LockThreads;
import dev.filelock.internal.ReadWriteBackendWait;
import dev.filelock.internal.flock.FlockFile.Descriptor;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import dev.filelock.internal.posix.ThreadSignals;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A writer's wait for a {@link FlockReadWriteBackend} in the kernel instead of polling: a
 * kernel-waiter thread ({@link LockThreads#KERNEL_WAITERS}) blocks in {@code LOCK_EX} on
 * the writers' gate (which announces the writer: our new readers hold back in every
 * process), then in {@code LOCK_EX} on the lock file, then drops the gate, so the writer
 * has the lock as soon as the kernel hands it over. The asking thread sleeps meanwhile
 * and may end the wait at any time (deadline, interrupt, closed lock): the kernel waiter
 * is then interrupted with a signal ({@link ThreadSignals}) and gives back whatever it
 * took. The wait opens descriptors of its own, so a kernel waiter that no signal reaches
 * ends by itself when the lock comes free, without touching the backend's descriptors.
 */
final class KernelWriteWait implements Runnable {

    /**
     * A signal that lands just before the kernel waiter enters {@code flock} is lost (the
     * call cannot be entered atomically with a check), so a stopped wait is signalled
     * again at this interval while the asking thread waits for it to end.
     */
    private static final long RESIGNAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * The asking thread waits at most this many re-signals for the kernel waiter to end,
     * then leaves it to end by itself.
     */
    private static final int MAX_RESIGNALS = 50;

    private final FlockFile lockFile;

    private final Path path;

    private final FlockFile gateFile;

    private final Path gatePath;

    private final int fileMode;

    private final Thread caller = Thread.currentThread();

    private final byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];

    // The rest is guarded by this object's monitor.

    private long waiterThread;

    private boolean blocked;

    private boolean stopped;

    private boolean done;

    private @Nullable Descriptor won;

    private @Nullable RuntimeException failure;

    private KernelWriteWait(FlockFile lockFile, Path path, FlockFile gateFile, Path gatePath, int fileMode) {
        this.lockFile = lockFile;
        this.path = path;
        this.gateFile = gateFile;
        this.gatePath = gatePath;
        this.fileMode = fileMode;
    }

    /**
     * Starts a kernel wait for the calling thread.
     * @return the started wait, or null when the caller must poll instead: signals cannot
     * end a kernel wait here, or all kernel-waiter threads are busy
     */
    static @Nullable KernelWriteWait start(FlockFile lockFile, Path path, FlockFile gateFile, Path gatePath,
            int fileMode) {
        if (ThreadSignals.currentThread() == 0) {
            return null; // nothing could end the wait but the lock itself
        }
        KernelWriteWait wait = new KernelWriteWait(lockFile, path, gateFile, gatePath, fileMode);
        try {
            LockThreads.KERNEL_WAITERS.execute(wait);
            return wait;
        }
        catch (RejectedExecutionException allBusy) {
            return null;
        }
    }

    /**
     * Sleeps until the kernel waiter has the lock file or the wait must end.
     * @return a descriptor holding {@code LOCK_EX} on the lock file (the caller owns it),
     * or null when the wait ended first (nothing is held then, and the gate is free once
     * the kernel waiter ended)
     * @throws dev.filelock.FileLockException if a file cannot be opened or locked
     */
    @Nullable Descriptor await(ReadWriteBackendWait wait) {
        if (!wait.awaitUntil(this::isDone)) {
            stop();
        }
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
            return won;
        }
    }

    @Override
    public void run() {
        synchronized (this) {
            waiterThread = ThreadSignals.currentThread();
        }
        Descriptor gate = null;
        Descriptor lock = null;
        RuntimeException failed = null;
        try {
            gate = lockBlocking(gateFile, gatePath);
            if (gate != null) {
                lock = lockBlocking(lockFile, path);
            }
        }
        catch (RuntimeException e) {
            failed = e;
        }
        finally {
            if (gate != null) {
                gate.close(); // the writer has the lock file, or gave up: drop the gate
            }
        }
        boolean giveBack;
        synchronized (this) {
            done = true;
            failure = failed;
            giveBack = stopped;
            if (!giveBack) {
                won = lock;
            }
        }
        if (giveBack && lock != null) {
            lock.close(); // its only descriptor: closing drops the lock
        }
        LockSupport.unpark(caller);
    }

    private synchronized boolean isDone() {
        return done;
    }

    /**
     * Stops the kernel waiter and waits (a bounded time) until it has ended, so that the
     * gate is free when the caller reports the end of its wait.
     */
    private void stop() {
        synchronized (this) {
            if (done) {
                return;
            }
            stopped = true;
            signalIfBlocked();
        }
        boolean interrupted = Thread.interrupted(); // parkNanos would not sleep
        try {
            for (int i = 0; i < MAX_RESIGNALS && !isDone(); i++) {
                LockSupport.parkNanos(this, RESIGNAL_NANOS);
                synchronized (this) {
                    signalIfBlocked();
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Called with the monitor held. */
    private void signalIfBlocked() {
        if (blocked && !done) {
            ThreadSignals.wake(waiterThread);
        }
    }

    /**
     * Opens the file and blocks until it is locked exclusively and the path still names
     * it.
     * @return the locked descriptor, or null when the wait was stopped (closed then)
     */
    private @Nullable Descriptor lockBlocking(FlockFile file, Path messagePath) {
        while (true) {
            Descriptor descriptor = file.open(messagePath, fileMode);
            boolean locked;
            try {
                locked = flockBlocking(descriptor);
            }
            catch (LastErrorException e) {
                throw file.lockFailed(descriptor, messagePath, e, statBuffer);
            }
            if (!locked) {
                descriptor.close();
                return null;
            }
            if (descriptor.isStillAt(statBuffer)) {
                return descriptor;
            }
            // Deleted or replaced while we waited (a clean-up, or a Python 3.28 peer):
            // lock what is there now.
            descriptor.close();
        }
    }

    private boolean flockBlocking(Descriptor descriptor) {
        while (enter()) {
            try {
                FlockExclusiveBackend.flockCall.flock(descriptor.fd, Posix.LOCK_EX);
                return true;
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw e;
                }
            }
            finally {
                left();
            }
        }
        return false;
    }

    private synchronized boolean enter() {
        if (stopped) {
            return false;
        }
        blocked = true;
        return true;
    }

    private synchronized void left() {
        blocked = false;
    }

}
