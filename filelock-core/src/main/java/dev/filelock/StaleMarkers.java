package dev.filelock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

    /** Breaks the lock when its recorded holder ran on this host and is gone. */
    void breakIfHolderIsGone() {
        BasicFileAttributes attributes = attributes();
        Optional<Record> record = read();
        if (attributes == null || record.isEmpty() || !record.get().hostname().equals(ThisProcess.HOSTNAME)) {
            return;
        }
        if (isGone(record.get().pid(), attributes.lastModifiedTime().toInstant())) {
            breakLock(attributes.fileKey(), "its holder, pid " + record.get().pid() + ", is no longer running");
        }
    }

    /** Breaks the lock when the file is at least {@code lifetime} old, whoever holds it (Python's {@code lifetime}). */
    void breakIfOlderThan(Duration lifetime) {
        BasicFileAttributes attributes = attributes();
        if (attributes == null) {
            return;
        }
        Instant modified = attributes.lastModifiedTime().toInstant();
        if (!Instant.now().isBefore(modified.plus(lifetime))) {
            breakLock(attributes.fileKey(), "it is older than its lifetime of " + lifetime);
        }
    }

    /** The record in the lock file: {@code <pid>\n<hostname>\n}, optionally with a third line (Python 3.29 and later). */
    Optional<Record> read() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_RECORD_BYTES + 1);
        try (SeekableByteChannel channel = Files.newByteChannel(canonicalPath, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read the whole record
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        if (buffer.position() > MAX_RECORD_BYTES) {
            return Optional.empty();
        }
        String[] lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip().split("\n", -1);
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

    private void breakLock(@Nullable Object examined, String why) {
        Path tombstone = canonicalPath.resolveSibling(canonicalPath.getFileName() + ".break." + ThisProcess.PID);
        try {
            Files.move(canonicalPath, tombstone, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException lostTheRace) {
            return;
        }
        try {
            Object moved = Files.readAttributes(tombstone, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (examined != null && !examined.equals(moved)) {
                // Another process replaced the file between our check and the rename: give it back.
                Files.move(tombstone, canonicalPath);
                return;
            }
            Files.deleteIfExists(tombstone);
            LOG.log(System.Logger.Level.DEBUG, "Broke the lock {0}: {1}", lockPath, why);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not finish breaking the lock " + lockPath + " through " + tombstone, e);
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
