package dev.filelock.internal;

import com.sun.jna.LastErrorException;
import dev.filelock.FileLockException;
import dev.filelock.internal.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Walks from a {@link ConfinedRoot} down to the directory of a lock file, one
 * {@code openat(O_NOFOLLOW |
 * O_DIRECTORY)} per segment, creating missing directories with {@code mkdirat} and
 * following symbolic links itself ({@code readlinkat}) only while their targets stay
 * inside; the kernel never follows a link below the confined directory, so a directory
 * swapped for a link between two calls cannot lead out.
 */
public final class DirectoryWalk {

    /** As the kernel's own bound ({@code MAXSYMLINKS}). */
    private static final int MAX_LINKS = 40;

    private static final int DIRECTORY_FLAGS = Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;

    private DirectoryWalk() {
    }

    /**
     * The directory that holds the lock file, open, with the file's name in it and its
     * canonical path.
     */
    public record Parent(int fd, byte[] name, Path file) implements AutoCloseable {

        @Override
        public void close() {
            try {
                Posix.close(fd);
            }
            catch (LastErrorException ignored) {
                // a directory descriptor holds no lock; nothing is lost
            }
        }
    }

    /**
     * Opens the directory of {@code file} (a path inside {@code directory}), creating
     * missing directories.
     * @param lockPath the lock's path as the caller spelled it, for messages
     * @throws FileLockException if a link leads outside, a segment is not a directory, or
     * a directory cannot be created
     */
    public static Parent openParent(ConfinedRoot directory, Path file, Path lockPath) {
        List<String> segments = names(directory.relativize(file));
        if (segments.isEmpty()) {
            throw LockFailures.cannotLock(lockPath, "it names the lock directory '" + directory.path() + "' itself",
                    null);
        }
        String fileName = segments.remove(segments.size() - 1);
        Deque<String> pending = new ArrayDeque<>(segments);
        List<String> resolved = new ArrayList<>();
        int fd = openRoot(directory, lockPath);
        int links = 0;
        try {
            while (!pending.isEmpty()) {
                String name = pending.removeFirst();
                if (name.equals("..")) {
                    throw LockFailures.cannotLock(lockPath,
                            "it has a '..' segment below the lock directory '" + directory.path() + "'", null);
                }
                byte[] cName = Posix.cString(name);
                int child;
                try {
                    child = openDirectory(fd, cName);
                }
                catch (LastErrorException e) {
                    int errno = e.getErrorCode();
                    if (errno != Posix.ELOOP && errno != Posix.ENOTDIR) {
                        throw cannotWalk(directory, resolved, name, lockPath, e);
                    }
                    String target = readLink(fd, cName);
                    Path link = directory.path().resolve(String.join("/", resolved)).resolve(name);
                    if (target == null) {
                        throw LockFailures.cannotLock(lockPath, "'" + link + "' is not a directory", e);
                    }
                    if (++links > MAX_LINKS) {
                        throw LockFailures.cannotLock(lockPath, "too many symbolic links under '" + link + "'", e);
                    }
                    List<String> restart = resolveInside(directory, resolved, target);
                    if (restart == null) {
                        throw LockFailures.cannotLock(lockPath,
                                "it goes through the symbolic link '" + link + "' -> '" + target
                                        + "', which points outside the lock directory '" + directory.path() + "'",
                                null);
                    }
                    // Walk again from the top: the target's own segments may be links
                    // too.
                    for (int i = restart.size() - 1; i >= 0; i--) {
                        pending.addFirst(restart.get(i));
                    }
                    resolved.clear();
                    closeQuietly(fd);
                    fd = openRoot(directory, lockPath);
                    continue;
                }
                closeQuietly(fd);
                fd = child;
                resolved.add(name);
            }
            Path parentPath = resolved.isEmpty() ? directory.path()
                    : directory.path().resolve(String.join("/", resolved));
            return new Parent(fd, Posix.cString(fileName), parentPath.resolve(fileName));
        }
        catch (RuntimeException | Error e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Opens the lock file {@code O_RDWR | O_NOFOLLOW} in its walked directory, creating
     * it ({@code O_CREAT | O_EXCL}, mode 0666 filtered by the umask) if missing.
     * @return the descriptor; {@link Opened#created()} tells whether this call made the
     * file
     * @throws LastErrorException from the final {@code openat} ({@code ELOOP} for a link,
     * {@code EISDIR}, ...)
     */
    public static Opened openOrCreate(ConfinedRoot directory, Path file, Path lockPath) {
        try (Parent parent = openParent(directory, file, lockPath)) {
            int flags = Posix.O_RDWR | Posix.O_NOFOLLOW | Posix.O_CLOEXEC;
            while (true) {
                try {
                    return new Opened(Posix.openat(parent.fd(), parent.name(), flags, 0), false);
                }
                catch (LastErrorException e) {
                    if (e.getErrorCode() != Posix.ENOENT) {
                        throw e;
                    }
                }
                try {
                    return new Opened(
                            Posix.openat(parent.fd(), parent.name(), flags | Posix.O_CREAT | Posix.O_EXCL, 0666), true);
                }
                catch (LastErrorException e) {
                    if (e.getErrorCode() != Posix.EEXIST) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Creates the file exclusively ({@code O_CREAT | O_EXCL | O_NOFOLLOW}, write-only) in
     * its walked directory.
     * @throws LastErrorException from {@code openat}, {@code EEXIST} when the name is
     * taken
     */
    static int createExclusive(ConfinedRoot directory, Path file, Path lockPath, int mode) {
        try (Parent parent = openParent(directory, file, lockPath)) {
            return Posix.openat(parent.fd(), parent.name(),
                    Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, mode);
        }
    }

    /** A lock file opened through the walk. */
    public record Opened(int fd, boolean created) {
    }

    private static int openRoot(ConfinedRoot directory, Path lockPath) {
        try {
            return Posix.open(directory.cRealPath(), DIRECTORY_FLAGS);
        }
        catch (LastErrorException e) {
            throw LockFailures.cannotLock(lockPath, "its lock directory '" + directory.path() + "' cannot be opened ("
                    + e.getMessage() + "); it must be a directory, not a symbolic link", e);
        }
    }

    private static int openDirectory(int parent, byte[] name) {
        while (true) {
            try {
                return Posix.openat(parent, name, DIRECTORY_FLAGS, 0);
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.ENOENT) {
                    throw e;
                }
            }
            try {
                Posix.mkdirat(parent, name, 0777);
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EEXIST) {
                    throw e;
                }
            }
        }
    }

    /**
     * The link's target, or {@code null} if the name is not a symbolic link (EINVAL) or
     * vanished.
     */
    private static @Nullable String readLink(int parent, byte[] name) {
        byte[] buffer = new byte[4097];
        long length;
        try {
            length = Posix.readlinkat(parent, name, buffer, buffer.length);
        }
        catch (LastErrorException e) {
            return null;
        }
        return new String(Arrays.copyOf(buffer, (int) length), StandardCharsets.UTF_8);
    }

    /**
     * The segments, from the confined directory, that a link found after {@code resolved}
     * leads to, resolved lexically (every segment of {@code resolved} is a real
     * directory, so {@code ..} means its parent); {@code null} if they lead out.
     */
    private static @Nullable List<String> resolveInside(ConfinedRoot directory, List<String> resolved, String target) {
        Path targetPath = Path.of(target);
        List<String> start;
        List<String> steps;
        if (targetPath.isAbsolute()) {
            Path inside = directory.inside(targetPath.normalize());
            if (inside == null) {
                return null;
            }
            start = new ArrayList<>();
            steps = names(inside);
        }
        else {
            start = new ArrayList<>(resolved);
            steps = new ArrayList<>();
            targetPath.forEach((segment) -> steps.add(segment.toString()));
        }
        for (String step : steps) {
            if (step.equals("..")) {
                if (start.isEmpty()) {
                    return null;
                }
                start.remove(start.size() - 1);
            }
            else if (!step.isEmpty() && !step.equals(".")) {
                start.add(step);
            }
        }
        return start;
    }

    private static List<String> names(Path relative) {
        List<String> names = new ArrayList<>();
        for (Path segment : relative) {
            String name = segment.toString();
            if (!name.isEmpty() && !name.equals(".")) {
                names.add(name);
            }
        }
        return names;
    }

    private static FileLockException cannotWalk(ConfinedRoot directory, List<String> resolved, String name,
            Path lockPath, LastErrorException e) {
        Path at = directory.path().resolve(String.join("/", resolved)).resolve(name);
        String reason = e.getErrorCode() == Posix.EACCES ? "permission denied" : String.valueOf(e.getMessage());
        return LockFailures.cannotLock(lockPath,
                "its directory '" + at + "' cannot be opened or created (" + reason + ")", e);
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        }
        catch (LastErrorException ignored) {
            // a directory descriptor holds no lock
        }
    }

}
