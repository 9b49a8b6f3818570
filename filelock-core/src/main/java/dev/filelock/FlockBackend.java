package dev.filelock;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * {@code flock(2)} on a descriptor opened natively (a {@code FileChannel} lock is an fcntl lock, which neither excludes
 * nor is excluded by flock users such as Python's filelock). One descriptor stays open between holds, so an
 * uncontended acquire costs one {@code flock} plus one {@code lstat}.
 */
final class FlockBackend implements LockBackend {

    /** The flock call; tests swap it to simulate file systems without flock, which no local file system here is. */
    static volatile FlockCall flockCall = Posix::flock;

    private final Path canonicalPath;
    private final byte[] cPath;
    private @Nullable Descriptor cached;
    /** Scratch space for the stat after each {@link #tryLock}, which runs under this object's monitor. */
    private final byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];

    FlockBackend(Path canonicalPath) {
        this.canonicalPath = canonicalPath;
        this.cPath = Posix.cString(canonicalPath);
    }

    @Override
    public synchronized @Nullable OsHold tryLock(LockRequest request) {
        while (true) {
            Descriptor descriptor = cached;
            if (descriptor == null) {
                descriptor = open(request);
                cached = descriptor;
            }
            try {
                flockCall.flock(descriptor.fd, Posix.LOCK_EX | Posix.LOCK_NB);
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Posix.EWOULDBLOCK) {
                    return null;
                }
                if (errno == Posix.EINTR) {
                    continue;
                }
                closeCached();
                if (descriptor.createdHere) {
                    // Leave no empty file behind that a marker-file lock would take for a holder (Python unlinks too).
                    descriptor.deleteIfStillAt(canonicalPath, cPath, statBuffer);
                }
                throw flockFailure(request.path(), e);
            }
            if (descriptor.isStillAt(cPath, statBuffer)) {
                return descriptor;
            }
            // A peer (Python filelock 3.28) deleted or replaced the file after we opened it: lock what is there now.
            closeCached();
        }
    }

    @Override
    public boolean canBlock() {
        return true;
    }

    @Override
    public @Nullable OsHold lockBlocking(LockRequest request, KernelWaitGate gate) {
        byte[] waiterStatBuffer = new byte[StatCalls.BUFFER_SIZE]; // runs beside tryLock, so not this.statBuffer
        while (true) {
            Descriptor descriptor = open(request);
            boolean locked;
            try {
                locked = flockBlocking(request.path(), descriptor, gate);
            } catch (RuntimeException e) {
                descriptor.close();
                throw e;
            }
            if (!locked) {
                descriptor.close();
                return null;
            }
            if (descriptor.isStillAt(cPath, waiterStatBuffer)) {
                return descriptor;
            }
            descriptor.close();
        }
    }

    @Override
    public synchronized void unlock(OsHold hold) {
        Descriptor descriptor = (Descriptor) hold;
        try {
            Posix.flock(descriptor.fd, Posix.LOCK_UN);
        } catch (LastErrorException e) {
            // Closing the only descriptor of the open file description drops the lock whatever flock said.
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

    /** Blocks until the lock is ours (true) or the gate closes after a signal interrupted the wait (false). */
    private static boolean flockBlocking(Path lockPath, Descriptor descriptor, KernelWaitGate gate) {
        while (gate.enter()) {
            try {
                flockCall.flock(descriptor.fd, Posix.LOCK_EX);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw flockFailure(lockPath, e);
                }
            } finally {
                gate.left();
            }
        }
        return false;
    }

    private static RuntimeException flockFailure(Path lockPath, LastErrorException e) {
        int errno = e.getErrorCode();
        if (errno == Posix.ENOSYS || errno == Posix.EOPNOTSUPP) {
            return new FlockUnsupportedException(lockPath);
        }
        return LockFailures.cannotLock(lockPath, "flock failed: " + e.getMessage(), e);
    }

    private Descriptor open(LockRequest request) {
        boolean[] createdHere = {false};
        // Through the gate that keeps flock descriptors and SQLite connections of this JVM off one file (by identity):
        // closing this descriptor later would drop SQLite's POSIX locks on it.
        LockFileReads.FlockDescriptor opened = LockFileReads.openFlockDescriptor(request.path(), this::identityAtPath,
                () -> openOrCreate(request, createdHere));
        return new Descriptor(opened, createdHere[0]);
    }

    private Posix.@Nullable FileIdentity identityAtPath() {
        try {
            return Posix.identity(cPath, new byte[StatCalls.BUFFER_SIZE]); // beside tryLock: not this.statBuffer
        } catch (LastErrorException nothingThereYet) {
            return null;
        }
    }

    private int openOrCreate(LockRequest request, boolean[] createdHere) {
        ConfinedDirectory confined = ConfinedDirectory.containing(canonicalPath);
        while (true) {
            int fd;
            try {
                if (confined != null) {
                    // Walked on every open: a directory swapped for a link since the last open must not lead out.
                    DirectoryWalk.Opened opened = DirectoryWalk.openOrCreate(confined, canonicalPath, request.path());
                    fd = opened.fd();
                    createdHere[0] = opened.created();
                } else {
                    fd = Posix.open(cPath, Posix.O_RDWR | Posix.O_NOFOLLOW | Posix.O_CLOEXEC);
                }
            } catch (LastErrorException e) {
                if (confined == null && e.getErrorCode() == Posix.ENOENT) {
                    createdHere[0] = createLockFile(request.path());
                    continue;
                }
                throw openFailure(request.path(), e);
            }
            if (request.options().hasExplicitFileMode()) {
                applyMode(fd, request.options().fileMode());
            }
            return fd;
        }
    }

    private static void applyMode(int fd, int mode) {
        try {
            Posix.fchmod(fd, mode);
        } catch (LastErrorException e) {
            // Another user's file: its mode is theirs to choose (as Python does).
        }
    }

    private boolean createLockFile(Path lockPath) {
        try {
            Files.createDirectories(canonicalPath.getParent());
            Files.createFile(canonicalPath);
            return true;
        } catch (FileAlreadyExistsException raceWithAnotherCreator) {
            return false;
        } catch (IOException e) {
            throw LockFailures.cannotLock(lockPath, "the lock file cannot be created (" + LockFailures.describe(e) + ")", e);
        }
    }

    private static RuntimeException openFailure(Path lockPath, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason;
        if (errno == Posix.ELOOP) {
            reason = "it is a symbolic link, and lock files are never followed through links";
        } else if (errno == Posix.EISDIR) {
            reason = "it is a directory";
        } else if (errno == Posix.EACCES) {
            reason = "permission denied (the lock file must be writable by this process)";
        } else {
            reason = "the lock file cannot be opened: " + e.getMessage();
        }
        return LockFailures.cannotLock(lockPath, reason, e);
    }

    /** {@code flock(2)}: returns 0 or throws {@link LastErrorException}. */
    @FunctionalInterface
    interface FlockCall {
        int flock(int fd, int operation);
    }

    /** A descriptor open on the lock file and the identity of the file it was opened on. */
    private static final class Descriptor implements OsHold {

        final LockFileReads.FlockDescriptor opened;
        final int fd;
        final Posix.FileIdentity identity;
        final boolean createdHere;

        Descriptor(LockFileReads.FlockDescriptor opened, boolean createdHere) {
            this.opened = opened;
            this.fd = opened.fd();
            this.identity = opened.identity();
            this.createdHere = createdHere;
        }

        void deleteIfStillAt(Path path, byte[] cPath, byte[] statBuffer) {
            if (isStillAt(cPath, statBuffer)) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // the marker-file lock will report what is wrong with the path
                }
            }
        }

        boolean isStillAt(byte[] cPath, byte[] statBuffer) {
            try {
                return Posix.identity(cPath, statBuffer).equals(identity);
            } catch (LastErrorException deletedOrUnreadable) {
                return false;
            }
        }

        void close() {
            try {
                LockFileReads.closeFlockDescriptor(opened);
            } catch (LastErrorException e) {
                // EIO from FUSE/bind mounts after the lock is gone: nothing is held any more (Python #512).
            }
        }
    }
}
