package dev.filelock.internal.sqlite;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.DirectoryWalk;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.posix.Posix;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Confinement for SQLite, which opens its database by path: the file is created and
 * identified through the confined walk before SQLite opens it, and the file SQLite then
 * opened is compared with it (device and inode) before any lock is taken, through
 * {@code /proc/self/fd} (a {@code stat} of the descriptor's magic link, never an open of
 * the file, which would drop this JVM's POSIX locks on it when closed).
 */
public final class SqliteConfinement {

    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");

    private SqliteConfinement() {
    }

    /**
     * Creates the lock file through the walk if missing
     * ({@code O_CREAT | O_EXCL | O_NOFOLLOW}, mode 0644 filtered by the umask, as SQLite
     * would) and returns the identity of what the walk finds at its name. A file created
     * here is closed at once: nobody can hold a lock on a file that did not exist a
     * moment ago.
     */
    public static Posix.FileIdentity prepare(ConfinedRoot directory, Path canonicalPath, Path lockPath) {
        try (DirectoryWalk.Parent parent = DirectoryWalk.openParent(directory, canonicalPath, lockPath)) {
            while (true) {
                try {
                    return Posix.identityAt(parent.fd(), parent.name());
                }
                catch (LastErrorException e) {
                    if (e.getErrorCode() != Posix.ENOENT) {
                        throw LockFailures.cannotLock(lockPath, "it cannot be examined (" + e.getMessage() + ")", e);
                    }
                }
                int fd;
                try {
                    fd = Posix.openat(parent.fd(), parent.name(),
                            Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0644);
                }
                catch (LastErrorException e) {
                    if (e.getErrorCode() == Posix.EEXIST) {
                        continue;
                    }
                    throw LockFailures.cannotLock(lockPath, "it cannot be created (" + e.getMessage() + ")", e);
                }
                try {
                    return Posix.identity(fd);
                }
                finally {
                    Posix.close(fd);
                }
            }
        }
    }

    /**
     * Checks, right after SQLite opened {@code canonicalPath} and before any lock, that
     * the file it opened is the one the walk found; where {@code /proc/self/fd} is
     * missing (macOS), that the walk still finds the same file.
     * @throws FileLockException if SQLite opened another file (a directory was swapped
     * for a link meanwhile)
     */
    public static void requireOpened(ConfinedRoot directory, Path canonicalPath, Path lockPath,
            Posix.FileIdentity expected) {
        boolean same;
        if (Platform.isLinux() && Files.isDirectory(OWN_DESCRIPTORS)) {
            same = anyDescriptorOn(canonicalPath, expected);
        }
        else {
            same = prepare(directory, canonicalPath, lockPath).equals(expected);
        }
        if (!same) {
            throw LockFailures.cannotLock(lockPath,
                    "the file SQLite opened at '" + canonicalPath + "' is not the one"
                            + " found inside the lock directory '" + directory.path()
                            + "' (a directory was replaced meanwhile)",
                    null);
        }
    }

    /**
     * Whether a descriptor of this process opened under that name is on the expected
     * file.
     */
    private static boolean anyDescriptorOn(Path canonicalPath, Posix.FileIdentity expected) {
        String name = canonicalPath.toString();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(OWN_DESCRIPTORS)) {
            for (Path descriptor : descriptors) {
                try {
                    if (!Files.readSymbolicLink(descriptor).toString().equals(name)) {
                        continue;
                    }
                    Map<String, Object> attributes = Files.readAttributes(descriptor, "unix:dev,ino");
                    if (Posix.unixAttribute(attributes, "dev") == expected.device()
                            && Posix.unixAttribute(attributes, "ino") == expected.inode()) {
                        return true;
                    }
                }
                catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    // another thread's descriptor, closed while we looked
                }
            }
        }
        catch (IOException e) {
            return false;
        }
        return false;
    }

}
