package dev.filelock.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import dev.filelock.internal.posix.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The two limits that make a lock file impossible to open whatever its directory allows,
 * named as causes where a library (SQLite) reports only "cannot open": a name longer than
 * the file system takes, and a process that has run out of descriptors. Both are found
 * without opening the lock file (which this JVM may hold POSIX locks on).
 */
public final class OpenLimits {

    /**
     * {@code NAME_MAX}: the longest file name, in bytes, on Linux and macOS file systems.
     */
    public static final int NAME_MAX = 255;

    /** {@code PATH_MAX}, terminating NUL included. */
    static final int PATH_MAX = Platform.isMac() ? 1024 : 4096;

    /**
     * A failed open may free its attempt's descriptor before we count: this close to the
     * limit counts as reached.
     */
    private static final int DESCRIPTOR_SLACK = 4;

    private OpenLimits() {
    }

    /**
     * Refuses, before anything is opened, a path the kernel would refuse as too long
     * ({@code ENAMETOOLONG}).
     * @param path the path as the user gave it, for the message
     * @param canonical the path that will be opened
     * @throws FileLockException naming the component or the path that is too long
     */
    public static void refuseTooLongName(Path path, Path canonical) {
        for (Path component : canonical) {
            int bytes = component.toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                throw LockFailures.cannotLock(path, "its file name is too long: a name has at most " + NAME_MAX
                        + " bytes, and '" + abbreviated(component.toString()) + "' has " + bytes + " (ENAMETOOLONG)",
                        null);
            }
        }
        int bytes = canonical.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= PATH_MAX) {
            throw LockFailures.cannotLock(path, "its path is too long: a path has at most " + (PATH_MAX - 1)
                    + " bytes, and this one has " + bytes + " (ENAMETOOLONG)", null);
        }
    }

    /**
     * After a failed open, tells whether this process has (nearly) as many descriptors
     * open as its limit allows ({@code
     * EMFILE}), by counting them against {@code RLIMIT_NOFILE}.
     * @return the reason to report, or empty when descriptors are not the cause (or
     * cannot be counted here)
     */
    public static Optional<String> descriptorsExhausted() {
        long limit = openFileLimit();
        if (limit <= 0) {
            return Optional.empty();
        }
        long open;
        try (Stream<Path> descriptors = Files.list(descriptorDirectory())) {
            open = descriptors.count() - 1; // without the listing's own
        }
        catch (IOException | RuntimeException cannotList) {
            // Listing needs a descriptor too: failing for want of one is the same answer.
            return String.valueOf(cannotList.getMessage()).contains("Too many open files")
                    ? Optional.of(exhausted("every one of them", limit)) : Optional.empty();
        }
        return open >= limit - DESCRIPTOR_SLACK ? Optional.of(exhausted(String.valueOf(open), limit))
                : Optional.empty();
    }

    private static String exhausted(String open, long limit) {
        return "this process has run out of file descriptors (limit " + limit + ", " + open + " open, EMFILE):"
                + " raise the limit (ulimit -n) or close unused files and lock objects";
    }

    private static long openFileLimit() {
        try {
            long[] limits = new long[2];
            Posix.getrlimit(Posix.RLIMIT_NOFILE, limits);
            return limits[0];
        }
        catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError unavailable) {
            return -1;
        }
    }

    private static Path descriptorDirectory() {
        Path proc = Path.of("/proc/self/fd");
        return Files.isDirectory(proc) ? proc : Path.of("/dev/fd");
    }

    private static String abbreviated(String name) {
        return name.length() <= 40 ? name : name.substring(0, 37) + "...";
    }

}
