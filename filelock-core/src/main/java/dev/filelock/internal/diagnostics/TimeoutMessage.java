package dev.filelock.internal.diagnostics;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.LockTables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the message of a timeout: how long it waited, the mode, and who holds the lock
 * as far as can be seen safely. Only called after a timeout, so looking at holders costs
 * nothing on the path that acquires.
 */
public final class TimeoutMessage {

    private TimeoutMessage() {
    }

    public static FileLockTimeoutException timeout(Path path, LockMode mode, Deadline deadline, boolean blocking) {
        return new FileLockTimeoutException(path, describe(path, mode, deadline, blocking), null);
    }

    private static String describe(Path path, LockMode mode, Deadline deadline, boolean blocking) {
        Duration timeout = blocking ? deadline.timeout() : Duration.ZERO;
        String waited = timeout.isNegative() ? " was not acquired: the wait was cancelled"
                : " was not acquired in time: " + timeout;
        return "The file lock '" + path + "' (" + mode + ")" + waited + holders(path);
    }

    /**
     * The holders, read without opening the lock file: this JVM's lock tables, then the
     * kernel's and soft records.
     */
    private static String holders(Path path) {
        List<String> seen = new ArrayList<>();
        try {
            for (LockSnapshot active : LockTables.activeEntries()) {
                if (active.canonicalPath().equals(path)
                        || active.canonicalPath().equals(path.toAbsolutePath().normalize())) {
                    for (LockSnapshot.Holder holder : active.holders()) {
                        seen.add("this JVM (" + holder.name() + ")");
                    }
                }
            }
            for (LockProbe.Holder holder : LockProbe.probe(path).otherProcesses()) {
                if (holder.pid() == ProcessHandle.current().pid() && holder.host() == null) {
                    continue; // this JVM's own kernel lock, already named above when
                              // known
                }
                seen.add("pid " + holder.pid() + (holder.host() == null ? "" : " on " + holder.host()) + " ("
                        + holder.evidence() + ", " + holder.mode() + ")");
            }
        }
        catch (RuntimeException unreadable) {
            return "; the holder could not be seen: " + unreadable;
        }
        return seen.isEmpty() ? "; no holder seen (it may have just been released)"
                : "; held by " + String.join(", ", seen);
    }

}
