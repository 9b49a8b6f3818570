package dev.filelock.internal.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The kernel's table of held file locks, {@code /proc/locks} (Linux): which process holds
 * which kind of lock on which (device, inode). Reading it opens only {@code /proc/locks},
 * never a lock file.
 */
public final class KernelLocks {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private KernelLocks() {
    }

    /** Whether the table exists and may be read here. */
    public static boolean isReadable() {
        return Files.isReadable(PROC_LOCKS);
    }

    /**
     * Returns the held locks (blocked requests left out).
     * @return empty when the table cannot be read (not Linux, or no {@code /proc})
     */
    public static Optional<List<KernelLock>> read() {
        if (!isReadable()) {
            return Optional.empty();
        }
        try {
            List<KernelLock> locks = new ArrayList<>();
            for (String line : Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII)) {
                KernelLock lock = KernelLock.parse(line);
                if (lock != null) {
                    locks.add(lock);
                }
            }
            return Optional.of(locks);
        }
        catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * Tells whether this process holds a POSIX ({@code fcntl}) lock on the file, which
     * closing any descriptor of it would drop; false when the table cannot be read. Open
     * file description locks ({@code OFDLCK}) and {@code flock} locks survive such a
     * close and do not count.
     */
    public static boolean posixLockedByThisProcess(Posix.FileIdentity file) {
        return read().orElse(List.of())
            .stream()
            .anyMatch(lock -> lock.family().equals("POSIX") && lock.pid() == ThisProcess.PID
                    && lock.matches(file.device(), file.inode()));
    }

    /**
     * One line of {@code /proc/locks}, such as
     * {@code 3: FLOCK  ADVISORY  WRITE 5469 fe:00:2154537 0 EOF}.
     */
    public record KernelLock(String family, boolean write, long pid, int major, int minor, long inode) {

        static @Nullable KernelLock parse(String line) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8 || fields[1].equals("->")) {
                return null; // a blocked request, not a held lock
            }
            String[] id = fields[5].split(":");
            if (id.length != 3) {
                return null;
            }
            try {
                return new KernelLock(fields[1], fields[3].equals("WRITE"), Long.parseLong(fields[4]),
                        Integer.parseInt(id[0], 16), Integer.parseInt(id[1], 16), Long.parseLong(id[2]));
            }
            catch (NumberFormatException unexpected) {
                return null;
            }
        }

        /**
         * Compares with a {@code stat} device number, split as glibc's {@code major()}
         * and {@code minor()} do.
         */
        public boolean matches(long device, long fileInode) {
            long deviceMajor = ((device >>> 8) & 0xfffL) | ((device >>> 32) & ~0xfffL);
            long deviceMinor = (device & 0xffL) | ((device >>> 12) & ~0xffL);
            return inode == fileInode && major == deviceMajor && minor == deviceMinor;
        }
    }

}
