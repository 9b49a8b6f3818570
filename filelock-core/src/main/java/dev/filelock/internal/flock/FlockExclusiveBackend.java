package dev.filelock.internal.flock;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.flock.FlockFile.Descriptor;
import dev.filelock.internal.posix.NativeCalls;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@code flock(2)} on a descriptor opened natively (a {@code FileChannel} lock is an
 * fcntl lock, which neither excludes nor is excluded by flock users such as Python's
 * filelock). One descriptor stays open between holds, so an uncontended acquire costs one
 * {@code flock} plus one {@code lstat}.
 */
public final class FlockExclusiveBackend implements ExclusiveBackend {

    /**
     * The flock call; tests swap it to simulate file systems without flock, which no
     * local file system here is.
     */
    public static volatile FlockCall flockCall = FlockCall.SYSTEM;

    private final FlockFile file;

    private @Nullable Descriptor cached;

    /**
     * The path check after each {@link #tryLock}, which runs under this object's monitor.
     */
    private final NativeCalls.PathStat pathStat;

    public FlockExclusiveBackend(Path canonicalPath) {
        this.file = new FlockFile(canonicalPath);
        this.pathStat = file.pathStat();
    }

    @Override
    public synchronized @Nullable OsHold tryLock(ExclusiveRequest request) {
        while (true) {
            Descriptor descriptor = cached;
            if (descriptor == null) {
                descriptor = file.open(request.path(), request.options().fileMode());
                cached = descriptor;
            }
            // errno instead of an exception: EWOULDBLOCK is the common outcome under
            // contention
            int errno = flockCall.flockErrno(descriptor.fd, Posix.LOCK_EX | Posix.LOCK_NB);
            if (errno != 0) {
                if (errno == Posix.EWOULDBLOCK) {
                    return null;
                }
                if (errno == Posix.EINTR) {
                    continue;
                }
                cached = null;
                throw file.lockFailed(descriptor, request.path(), errno);
            }
            if (descriptor.isStillAt(pathStat)) {
                return descriptor;
            }
            // A peer (Python filelock 3.28) deleted or replaced the file after we opened
            // it: lock what is there now.
            closeCached();
        }
    }

    @Override
    public boolean canBlock() {
        return true;
    }

    @Override
    public @Nullable OsHold lockBlocking(ExclusiveRequest request, KernelWaitGate gate) {
        byte[] waiterStatBuffer = new byte[StatCalls.BUFFER_SIZE]; // runs beside tryLock,
                                                                   // so not
                                                                   // this.statBuffer
        while (true) {
            Descriptor descriptor = file.open(request.path(), request.options().fileMode());
            boolean locked;
            try {
                locked = flockBlocking(descriptor, gate);
            }
            catch (LastErrorException e) {
                throw file.lockFailed(descriptor, request.path(), e, waiterStatBuffer);
            }
            if (!locked) {
                descriptor.close();
                return null;
            }
            if (descriptor.isStillAt(waiterStatBuffer)) {
                return descriptor;
            }
            descriptor.close();
        }
    }

    /**
     * Blocks the calling thread in {@code flock} on the descriptor kept between holds, as
     * raw blocking flock does, so the kernel wakes the asking thread itself on release.
     * Sharing that descriptor is safe because the entry lets no other attempt run
     * meanwhile (a second lock on the same open file description would succeed); the
     * monitor is not held while blocked, so it never delays
     * {@link #hasReusableResources}.
     */
    @Override
    public OsHold lockBlockingAlone(ExclusiveRequest request) {
        byte[] waiterStatBuffer = new byte[StatCalls.BUFFER_SIZE];
        while (true) {
            Descriptor descriptor = cachedOrOpen(request);
            try {
                flockUntilLocked(descriptor);
            }
            catch (LastErrorException e) {
                forget(descriptor);
                throw file.lockFailed(descriptor, request.path(), e, waiterStatBuffer);
            }
            if (descriptor.isStillAt(waiterStatBuffer)) {
                return descriptor;
            }
            // A peer (Python filelock 3.28) deleted or replaced the file after we opened
            // it: wait for what is there now.
            forget(descriptor);
            descriptor.close();
        }
    }

    private synchronized Descriptor cachedOrOpen(ExclusiveRequest request) {
        Descriptor descriptor = cached;
        if (descriptor == null) {
            descriptor = file.open(request.path(), request.options().fileMode());
            cached = descriptor;
        }
        return descriptor;
    }

    private synchronized void forget(Descriptor descriptor) {
        if (cached == descriptor) {
            cached = null;
        }
    }

    @Override
    public synchronized void unlock(OsHold hold) {
        Descriptor descriptor = (Descriptor) hold;
        if (NativeCalls.CURRENT.flock(descriptor.fd, Posix.LOCK_UN) != 0) {
            // Closing the only descriptor of the open file description drops the lock
            // whatever flock said.
            descriptor.close();
            if (descriptor == cached) {
                cached = null;
            }
            return;
        }
        if (descriptor != cached) {
            closeCached();
            cached = descriptor;
        }
    }

    /**
     * Closes a surplus descriptor (closing the only descriptor of an open file
     * description drops its lock); {@link #unlock} would instead keep it open in place of
     * the cached one and close that, which may be the descriptor that holds the lock now.
     */
    @Override
    public synchronized void discard(OsHold surplus) {
        Descriptor descriptor = (Descriptor) surplus;
        if (descriptor == cached) {
            unlock(surplus);
        }
        else {
            descriptor.close();
        }
    }

    @Override
    public synchronized boolean hasReusableResources() {
        return cached != null;
    }

    @Override
    public synchronized void close() {
        closeCached();
    }

    private void closeCached() {
        Descriptor descriptor = cached;
        cached = null;
        if (descriptor != null) {
            descriptor.close();
        }
    }

    /**
     * Blocks until the lock is ours (true) or the gate closes after a signal interrupted
     * the wait (false).
     * @throws LastErrorException if flock fails otherwise
     */
    private static boolean flockBlocking(Descriptor descriptor, KernelWaitGate gate) {
        while (gate.enter()) {
            try {
                flockCall.flock(descriptor.fd, Posix.LOCK_EX);
                return true;
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw e;
                }
            }
            finally {
                gate.left();
            }
        }
        return false;
    }

    /**
     * Blocks until the lock is ours; a signal (the JVM's own, or one meant for an earlier
     * blocking call) only makes it call again.
     * @throws LastErrorException if flock fails otherwise
     */
    private static void flockUntilLocked(Descriptor descriptor) {
        while (true) {
            try {
                flockCall.flock(descriptor.fd, Posix.LOCK_EX);
                return;
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw e;
                }
            }
        }
    }

    /** {@code flock(2)}: returns 0 or throws {@link LastErrorException}. */
    @FunctionalInterface
    public interface FlockCall {

        /** The system's {@code flock}, through {@link NativeCalls#CURRENT}. */
        FlockCall SYSTEM = new FlockCall() {

            @Override
            public int flock(int fd, int operation) {
                int errno = NativeCalls.CURRENT.flock(fd, operation);
                if (errno != 0) {
                    throw new LastErrorException(errno);
                }
                return 0;
            }

            @Override
            public int flockErrno(int fd, int operation) {
                return NativeCalls.CURRENT.flock(fd, operation);
            }

        };

        int flock(int fd, int operation);

        /**
         * The same call, returning the errno value (0 on success) instead of throwing, so
         * that a refused attempt allocates nothing.
         */
        default int flockErrno(int fd, int operation) {
            try {
                return flock(fd, operation);
            }
            catch (LastErrorException e) {
                return e.getErrorCode();
            }
        }

    }

}
