package dev.filelock;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads a soft lock file that someone else created and decides whether it may be broken: only when its holder is
 * provably gone (same host, and the pid is dead or now belongs to a process started after the file was written), or
 * when it is older than the configured lifetime. A live holder's lock is never broken.
 */
final class StaleMarkers {

    private static final int MAX_RECORD_BYTES = 1024;
    /** File times and process start times come from different clocks; this much disagreement is tolerated. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger("dev.filelock");
    /** A guard older than this was left by a breaker that died; breaking takes microseconds. */
    private static final Duration ABANDONED_GUARD_AGE = Duration.ofSeconds(10);

    private final Path lockPath;
    private final Path canonicalPath;

    StaleMarkers(Path lockPath, Path canonicalPath) {
        this.lockPath = lockPath;
        this.canonicalPath = canonicalPath;
    }

    /** Fails at once for a path that can never become ours, instead of waiting for it to disappear. */
    void refuseUnusable() {
        BasicFileAttributes attributes = attributes();
        if (attributes == null) {
            return;
        }
        if (attributes.isSymbolicLink()) {
            throw LockFailures.cannotLock(lockPath, "it is a symbolic link, and lock files are never followed through links", null);
        }
        if (attributes.isDirectory()) {
            throw LockFailures.cannotLock(lockPath, "it is a directory", null);
        }
        if (attributes.lastModifiedTime().toMillis() != 0 && !ownerWritable()) {
            throw LockFailures.cannotLock(lockPath, "the existing lock file is read-only", null);
        }
    }

    /** Breaks the lock when its recorded holder ran on this host and is gone; tells whether it did. */
    boolean breakIfHolderIsGone() {
        BasicFileAttributes examined = attributes();
        Optional<Record> record = read();
        if (examined == null || record.isEmpty() || !isBreakable(record.get(), examined)) {
            return false;
        }
        long pid = record.get().pid();
        return breakLock(examined, () -> read().filter(again -> again.pid() == pid).isPresent(),
                "its holder, pid " + pid + ", is no longer running");
    }

    /**
     * Breaks the lock when the file is at least {@code lifetime} old, whoever holds it (Python's {@code lifetime});
     * tells whether it did.
     */
    boolean breakIfOlderThan(Duration lifetime) {
        BasicFileAttributes examined = attributes();
        return examined != null && !Instant.now().isBefore(examined.lastModifiedTime().toInstant().plus(lifetime))
                && breakLock(examined, () -> true, "it is older than its lifetime of " + lifetime);
    }

    private static boolean isBreakable(Record record, BasicFileAttributes examined) {
        return record.hostname().equals(ThisProcess.HOSTNAME) && isGone(record.pid(), examined.lastModifiedTime().toInstant());
    }

    /** The record in the lock file: {@code <pid>\n<hostname>\n}, optionally with a third line (Python 3.29 and later). */
    Optional<Record> read() {
        byte[] content;
        try {
            content = LockFileReads.read(canonicalPath, MAX_RECORD_BYTES + 1);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (content.length > MAX_RECORD_BYTES) {
            return Optional.empty();
        }
        String[] lines = new String(content, StandardCharsets.UTF_8).strip().split("\n", -1);
        if (lines.length < 2 || lines.length > 3) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines[0].strip());
            return pid > 0 ? Optional.of(new Record(pid, lines[1].strip())) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isGone(long pid, Instant written) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        // The pid is alive, but a process that started after the file was written cannot have written it.
        Optional<Instant> started = process.get().info().startInstant();
        return started.isPresent() && started.get().isAfter(written.plus(CLOCK_SLACK));
    }

    /**
     * Deletes the examined lock file, unless it changed meanwhile. Breakers in this library take turns through an
     * exclusive {@code <lock>.break} guard file and check, under it, that the path still names the very file they judged
     * (same inode and modification time, and {@code stillBreakable}): so a successor's fresh lock file, created after
     * another breaker removed the stale one, is never removed or moved by a second breaker.
     */
    private boolean breakLock(BasicFileAttributes examined, BooleanSupplier stillBreakable, String why) {
        Path guard = canonicalPath.resolveSibling(canonicalPath.getFileName() + ".break");
        try {
            Files.createFile(guard);
        } catch (FileAlreadyExistsException anotherBreaker) {
            deleteIfAbandoned(guard);
            return false;
        } catch (IOException e) {
            return false;
        }
        try {
            BasicFileAttributes current = attributes();
            if (current != null && sameFile(examined, current) && !openThroughSqliteHere()
                    && stillBreakable.getAsBoolean()) {
                Files.deleteIfExists(canonicalPath);
                LOG.log(System.Logger.Level.DEBUG, "Broke the lock {0}: {1}", lockPath, why);
                return true;
            }
            return false;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not break the lock " + lockPath, e);
            return false;
        } finally {
            try {
                Files.deleteIfExists(guard);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not remove the guard file " + guard, e);
            }
        }
    }

    /**
     * Whether this JVM holds the file as a read/write lock (SQLite): whatever its record or age says, it has a live
     * holder, and deleting it would let another process create a new file and lock that one too.
     */
    private boolean openThroughSqliteHere() {
        try {
            byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];
            return LockFileReads.isOpenThroughSqlite(Posix.identity(Posix.cString(canonicalPath), statBuffer));
        } catch (LastErrorException gone) {
            return false;
        }
    }

    private static boolean sameFile(BasicFileAttributes examined, BasicFileAttributes current) {
        return examined.fileKey() != null && examined.fileKey().equals(current.fileKey())
                && examined.lastModifiedTime().equals(current.lastModifiedTime());
    }

    /** A breaker that died between creating and removing its guard must not stop every later break. */
    private static void deleteIfAbandoned(Path guard) {
        try {
            Instant created = Files.getLastModifiedTime(guard, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (Instant.now().isAfter(created.plus(ABANDONED_GUARD_AGE))) {
                Files.deleteIfExists(guard);
            }
        } catch (IOException goneAlready) {
            // the other breaker finished
        }
    }

    private @Nullable BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            return null;
        }
    }

    private boolean ownerWritable() {
        try {
            return Files.getPosixFilePermissions(canonicalPath, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_WRITE);
        } catch (java.nio.file.NoSuchFileException releasedMeanwhile) {
            return true; // the holder released between our two looks: the path is free, not read-only
        } catch (UnsupportedOperationException | IOException e) {
            return Files.isWritable(canonicalPath);
        }
    }

    /** A holder as recorded in the file. */
    record Record(long pid, String hostname) implements SoftFileLock.LockOwner {

        @Override
        public boolean isCurrentProcess() {
            return pid == ThisProcess.PID && hostname.equals(ThisProcess.HOSTNAME);
        }
    }
}
