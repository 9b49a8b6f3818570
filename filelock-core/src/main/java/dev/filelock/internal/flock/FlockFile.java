package dev.filelock.internal.flock;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.DirectoryWalk;
import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.OpenLimits;
import dev.filelock.internal.posix.NativeCalls;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One file that this library locks with {@code flock(2)}: opens descriptors on it
 * natively (creating it and its missing parents, through the confined walk when its
 * directory is declared confining, never following a link at the file itself), always
 * through {@link LockFileReads}' gate that keeps flock descriptors off files SQLite holds
 * in this JVM, and tells whether a locked descriptor is still on the file the path names
 * (a peer may have replaced it).
 */
final class FlockFile {

    private final Path canonicalPath;

    private final byte[] cPath;

    FlockFile(Path canonicalPath) {
        this.canonicalPath = canonicalPath;
        this.cPath = Posix.cString(canonicalPath);
    }

    /**
     * Opens a descriptor on the file, creating it if missing.
     * @param lockPath the path as the user gave it, for messages
     * @param fileMode permission bits applied to the file exactly, or
     * {@link LockOptions#UNSET_FILE_MODE} to leave them (a new file gets 0666 filtered by
     * the umask)
     * @throws FileLockException if the file cannot be opened or created, or this JVM
     * holds it through SQLite
     */
    Descriptor open(Path lockPath, int fileMode) {
        boolean[] createdHere = { false };
        // Through the gate that keeps flock descriptors and SQLite connections of this
        // JVM off one file (by identity):
        // closing this descriptor later would drop SQLite's POSIX locks on it.
        LockFileReads.FlockDescriptor opened = LockFileReads.openFlockDescriptor(lockPath, this::identityAtPath,
                () -> openOrCreate(lockPath, fileMode, createdHere));
        return new Descriptor(this, opened, createdHere[0]);
    }

    /**
     * Turns a failed {@code flock} (other than {@code EWOULDBLOCK} and {@code EINTR})
     * into the exception to throw, after closing the descriptor and deleting the file if
     * this descriptor created it: no empty file is left behind that a marker-file lock
     * would take for a holder (Python unlinks too).
     */
    RuntimeException lockFailed(Descriptor descriptor, Path lockPath, LastErrorException e, byte[] statBuffer) {
        discard(descriptor, statBuffer);
        return lockFailure(lockPath, e);
    }

    /**
     * {@link #lockFailed(Descriptor, Path, LastErrorException, byte[])} for a call that
     * returned its errno.
     */
    RuntimeException lockFailed(Descriptor descriptor, Path lockPath, int errno, byte[] statBuffer) {
        return lockFailed(descriptor, lockPath, new LastErrorException(errno), statBuffer);
    }

    /**
     * {@link #lockFailed(Descriptor, Path, LastErrorException, byte[])} for a caller that
     * has no scratch buffer.
     */
    RuntimeException lockFailed(Descriptor descriptor, Path lockPath, int errno) {
        return lockFailed(descriptor, lockPath, errno, new byte[StatCalls.BUFFER_SIZE]);
    }

    private static RuntimeException lockFailure(Path lockPath, LastErrorException e) {
        int errno = e.getErrorCode();
        if (errno == Posix.ENOSYS || errno == Posix.EOPNOTSUPP) {
            return new FlockUnsupportedException(lockPath);
        }
        return LockFailures.cannotLock(lockPath, "flock failed: " + e.getMessage(), e);
    }

    /**
     * A reusable {@code lstat} of this file's path for {@link Descriptor#isStillAt}, to
     * be confined by its owner.
     */
    NativeCalls.PathStat pathStat() {
        return NativeCalls.CURRENT.pathStat(cPath);
    }

    /**
     * Closes the descriptor, and deletes the file if this descriptor created it and the
     * path still names it.
     */
    void discard(Descriptor descriptor, byte[] statBuffer) {
        descriptor.close();
        if (descriptor.createdHere && descriptor.isStillAt(statBuffer)) {
            try {
                Files.deleteIfExists(canonicalPath);
            }
            catch (IOException ignored) {
                // the marker-file lock will report what is wrong with the path
            }
        }
    }

    private Posix.@Nullable FileIdentity identityAtPath() {
        try {
            return Posix.identity(cPath, new byte[StatCalls.BUFFER_SIZE]); // beside a
                                                                           // lock
                                                                           // attempt: its
                                                                           // own buffer
        }
        catch (LastErrorException nothingThereYet) {
            return null;
        }
    }

    private int openOrCreate(Path lockPath, int fileMode, boolean[] createdHere) {
        ConfinedRoot confined = ConfinedRoot.containing(canonicalPath);
        while (true) {
            int fd;
            try {
                if (confined != null) {
                    // Walked on every open: a directory swapped for a link since the last
                    // open must not lead out.
                    DirectoryWalk.Opened opened = DirectoryWalk.openOrCreate(confined, canonicalPath, lockPath);
                    fd = opened.fd();
                    createdHere[0] = opened.created();
                }
                else {
                    fd = Posix.open(cPath, Posix.O_RDWR | Posix.O_NOFOLLOW | Posix.O_CLOEXEC);
                }
            }
            catch (LastErrorException e) {
                if (confined == null && e.getErrorCode() == Posix.ENOENT) {
                    createdHere[0] = createLockFile(lockPath);
                    continue;
                }
                throw openFailure(lockPath, e);
            }
            if (fileMode != LockOptions.UNSET_FILE_MODE) {
                applyMode(fd, fileMode);
            }
            return fd;
        }
    }

    private static void applyMode(int fd, int mode) {
        try {
            Posix.fchmod(fd, mode);
        }
        catch (LastErrorException e) {
            // Another user's file: its mode is theirs to choose (as Python does).
        }
    }

    private boolean createLockFile(Path lockPath) {
        try {
            Files.createDirectories(canonicalPath.getParent());
            Files.createFile(canonicalPath);
            return true;
        }
        catch (FileAlreadyExistsException raceWithAnotherCreator) {
            return false;
        }
        catch (IOException e) {
            throw LockFailures.cannotLock(lockPath,
                    "the lock file cannot be created (" + LockFailures.describe(e) + ")", e);
        }
    }

    private RuntimeException openFailure(Path lockPath, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason;
        if (errno == Posix.ENAMETOOLONG) {
            OpenLimits.refuseTooLongName(lockPath, canonicalPath); // names the component
                                                                   // that is too long
            reason = "its path is too long (ENAMETOOLONG)";
        }
        else if (errno == Posix.EMFILE || errno == Posix.ENFILE) {
            reason = OpenLimits.descriptorsExhausted().orElse("the lock file cannot be opened: " + e.getMessage());
        }
        else if (errno == Posix.ELOOP) {
            reason = "it is a symbolic link, and lock files are never followed through links";
        }
        else if (errno == Posix.EISDIR) {
            reason = "it is a directory";
        }
        else if (errno == Posix.EACCES) {
            reason = "permission denied (the lock file must be writable by this process)";
        }
        else {
            reason = "the lock file cannot be opened: " + e.getMessage();
        }
        return LockFailures.cannotLock(lockPath, reason, e);
    }

    /**
     * A descriptor open on the lock file and the identity of the file it was opened on.
     */
    static final class Descriptor implements ExclusiveBackend.OsHold {

        private final FlockFile file;

        final LockFileReads.FlockDescriptor opened;

        final int fd;

        final Posix.FileIdentity identity;

        final boolean createdHere;

        private Descriptor(FlockFile file, LockFileReads.FlockDescriptor opened, boolean createdHere) {
            this.file = file;
            this.opened = opened;
            this.fd = opened.fd();
            this.identity = opened.identity();
            this.createdHere = createdHere;
        }

        /**
         * Whether the path still names the file this descriptor is open on (one
         * {@code lstat}).
         */
        boolean isStillAt(byte[] statBuffer) {
            try {
                return Posix.identity(file.cPath, statBuffer).equals(identity);
            }
            catch (LastErrorException deletedOrUnreadable) {
                return false;
            }
        }

        /**
         * {@link #isStillAt(byte[])} without allocating: one {@code lstat} through the
         * caller's confined probe of this file's path.
         */
        boolean isStillAt(NativeCalls.PathStat pathStat) {
            return pathStat.lstat() == 0 && pathStat.inode() == identity.inode()
                    && pathStat.device() == identity.device();
        }

        void close() {
            try {
                LockFileReads.closeFlockDescriptor(opened);
            }
            catch (LastErrorException e) {
                // EIO from FUSE/bind mounts after the lock is gone: nothing is held any
                // more (Python #512).
            }
        }

    }

}
