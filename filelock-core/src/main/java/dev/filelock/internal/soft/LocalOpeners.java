package dev.filelock.internal.soft;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a process on this host may still have a file open, by comparing the
 * file's device and inode with what every {@code /proc/<pid>/fd/<n>} link points at.
 * Python filelock before 3.22 (such as Debian's 3.9.0) writes no record into a soft lock
 * file and keeps it open for the whole hold, so an open descriptor is the only sign of
 * its holder.
 *
 * <p>
 * What cannot be seen counts as open when it could be the creator: a process whose
 * descriptors this user may not list (without privilege, another user's or a non-dumpable
 * process) is assumed to hold the file when it runs as the file's owner. Invisible
 * altogether: processes on other hosts and in other PID namespaces. Without {@code /proc}
 * (macOS), nothing can be seen, and every file counts as open.
 *
 * <p>
 * Scanning costs a {@code stat} per descriptor on the host, so it runs only for an
 * unreadable lock file past its grace period, and a file found open is not scanned again
 * for a second.
 */
final class LocalOpeners {

    private static final Path PROC = Path.of("/proc");

    private static final long RESCAN_NANOS = 1_000_000_000L;

    private static final int REMEMBERED = 32;

    /**
     * Files recently found open, with when that was seen (keys are {@code fileKey()}s:
     * device and inode).
     */
    private static final Map<Object, Long> RECENTLY_OPEN = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    private static final DirectoryStream.Filter<Path> PROC_PID = path -> {
        String name = path.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    };

    private LocalOpeners() {
    }

    /**
     * Whether some process on this host has the file open, or may have without this
     * process being able to tell.
     * @param fileKey the file's {@code BasicFileAttributes.fileKey()}
     * @param ownerUid the file's owner, whose processes are assumed to hold it when they
     * cannot be inspected
     */
    static boolean mayHaveOpen(Object fileKey, int ownerUid) {
        long now = System.nanoTime();
        synchronized (RECENTLY_OPEN) {
            Long seen = RECENTLY_OPEN.get(fileKey);
            if (seen != null && now - seen < RESCAN_NANOS) {
                return true;
            }
        }
        boolean open = scan(fileKey, ownerUid);
        if (open) {
            synchronized (RECENTLY_OPEN) {
                RECENTLY_OPEN.put(fileKey, now);
            }
        }
        return open;
    }

    private static boolean scan(Object fileKey, int ownerUid) {
        if (!Files.isDirectory(PROC.resolve("self").resolve("fd"))) {
            return true;
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, PROC_PID)) {
            for (Path process : processes) {
                if (holds(process, fileKey, ownerUid)) {
                    return true;
                }
            }
        }
        catch (IOException | RuntimeException unlistable) {
            return true;
        }
        return false;
    }

    private static boolean holds(Path process, Object fileKey, int ownerUid) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                if (Objects.equals(fileKey, targetOf(descriptor))) {
                    return true;
                }
            }
            return false;
        }
        catch (AccessDeniedException notOurs) {
            return runsAs(process, ownerUid);
        }
        catch (IOException | RuntimeException exitedMeanwhile) {
            return false;
        }
    }

    private static @Nullable Object targetOf(Path descriptor) {
        try {
            return Files.readAttributes(descriptor, BasicFileAttributes.class).fileKey();
        }
        catch (IOException | RuntimeException closedMeanwhile) {
            return null;
        }
    }

    private static boolean runsAs(Path process, int uid) {
        try {
            return ((Integer) Files.getAttribute(process, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid;
        }
        catch (IOException | RuntimeException exitedMeanwhile) {
            return false;
        }
    }

}
