package dev.filelock.internal.soft;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import dev.filelock.internal.posix.ThisProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
 * Reads a soft lock file that someone else created and decides whether it may be broken:
 * only when its holder is provably gone (same host, and the pid is dead or now belongs to
 * another process: a different start token, or a start after the file was written), when
 * it is unreadable as a record and nobody on this host has it open, or when it is older
 * than the configured lifetime. A live holder's lock is never broken.
 *
 * <p>
 * Apart from the lifetime, a file modified within {@link #FRESHNESS} is never broken,
 * whatever its record says: Java holders refresh their file's modification time every
 * {@link MarkerRefresher#INTERVAL}, which protects them from peers that cannot see their
 * pid (another PID namespace with the same host name), and it covers the moment between a
 * peer creating the file and writing its record. (The soft read/write state mutex, never
 * refreshed, judges a recorded pid at once: see {@link #ofUnrefreshed}.)
 */
public final class StaleMarkers {

    /**
     * A lock file modified more recently than this is never broken (except by a
     * lifetime): four missed heartbeats of a Java holder, and twice Python's 2 s grace
     * for a record not yet written ({@code _MALFORMED_LOCK_AGE_THRESHOLD}).
     */
    public static final Duration FRESHNESS = Duration.ofSeconds(4);

    private static final int MAX_RECORD_BYTES = 1024;

    /**
     * File times and process start times come from different clocks; this much
     * disagreement is tolerated.
     */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    /**
     * A guard older than this was left by a breaker that died; breaking takes
     * microseconds.
     */
    private static final Duration ABANDONED_GUARD_AGE = Duration.ofSeconds(10);

    private final Path lockPath;

    private final Path canonicalPath;

    /**
     * How recently modified a file with a record must not be, to be broken because its
     * pid is gone.
     */
    private final Duration pidBreakGrace;

    /**
     * For soft lock files, whose holders refresh them: none modified within
     * {@link #FRESHNESS} is broken.
     */
    public StaleMarkers(Path lockPath, Path canonicalPath) {
        this(lockPath, canonicalPath, FRESHNESS);
    }

    private StaleMarkers(Path lockPath, Path canonicalPath, Duration pidBreakGrace) {
        this.lockPath = lockPath;
        this.canonicalPath = canonicalPath;
        this.pidBreakGrace = pidBreakGrace;
    }

    /**
     * For files held for microseconds and never refreshed (the soft read/write state
     * mutex): a dead holder's file is broken at once, since age proves nothing there; an
     * unreadable one still only after {@link #FRESHNESS}.
     */
    static StaleMarkers ofUnrefreshed(Path lockPath, Path canonicalPath) {
        return new StaleMarkers(lockPath, canonicalPath, Duration.ZERO);
    }

    /**
     * Fails at once for a path that can never become ours, instead of waiting for it to
     * disappear.
     */
    void refuseUnusable() {
        BasicFileAttributes attributes = attributes();
        if (attributes == null) {
            return;
        }
        if (attributes.isSymbolicLink()) {
            throw LockFailures.cannotLock(lockPath,
                    "it is a symbolic link, and lock files are never followed through links", null);
        }
        if (attributes.isDirectory()) {
            throw LockFailures.cannotLock(lockPath, "it is a directory", null);
        }
        if (!attributes.isRegularFile()) {
            // Never opened (a FIFO would block) and never deleted: it is the user's, and
            // no lock ever creates one.
            throw LockFailures.cannotLock(lockPath, "it is not a regular file (a FIFO, socket or device)", null);
        }
        if (attributes.lastModifiedTime().toMillis() != 0 && !ownerWritable()) {
            throw LockFailures.cannotLock(lockPath, "the existing lock file is read-only", null);
        }
    }

    /**
     * Breaks the lock when its recorded holder ran on this host and is gone, or when the
     * file holds no readable record and nobody on this host has it open; never while the
     * file is fresh. Tells whether it did.
     */
    boolean breakIfHolderIsGone() {
        BasicFileAttributes examined = attributes();
        if (examined == null || !examined.isRegularFile()) {
            return false;
        }
        Optional<Record> record = read();
        if (record.isEmpty()) {
            return !isYoungerThan(examined, FRESHNESS) && breakIfAbandonedUnreadable(examined);
        }
        if (isYoungerThan(examined, pidBreakGrace) || !isBreakable(record.get(), examined)) {
            return false;
        }
        long pid = record.get().pid();
        return breakLock(examined, () -> read().filter(again -> again.pid() == pid).isPresent(),
                "its holder, pid " + pid + ", is no longer running");
    }

    /**
     * An empty or unparsable file past the grace period: a writer killed between creating
     * and writing it, or a holder that writes no record (Python filelock before 3.22) and
     * keeps the file open while it holds the lock.
     */
    private boolean breakIfAbandonedUnreadable(BasicFileAttributes examined) {
        Object fileKey = examined.fileKey();
        if (fileKey == null || LocalOpeners.mayHaveOpen(fileKey, ownerUid())) {
            return false;
        }
        return breakLock(examined, () -> read().isEmpty(), "it holds no readable record, is older than "
                + FRESHNESS.toSeconds() + " s and no process on this host has it open");
    }

    private static boolean isYoungerThan(BasicFileAttributes examined, Duration age) {
        return Instant.now().isBefore(examined.lastModifiedTime().toInstant().plus(age));
    }

    private int ownerUid() {
        try {
            return (Integer) Files.getAttribute(canonicalPath, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        }
        catch (IOException | RuntimeException unknown) {
            return -1;
        }
    }

    /**
     * Breaks the lock when the file is at least {@code lifetime} old, whoever holds it
     * (Python's {@code lifetime}); tells whether it did.
     */
    boolean breakIfOlderThan(Duration lifetime) {
        BasicFileAttributes examined = attributes();
        // Only lock files: a user's FIFO, socket or directory at the path is refused by
        // the caller, never removed.
        return examined != null && examined.isRegularFile()
                && !Instant.now().isBefore(examined.lastModifiedTime().toInstant().plus(lifetime))
                && breakLock(examined, () -> true, "it is older than its lifetime of " + lifetime);
    }

    private static boolean isBreakable(Record record, BasicFileAttributes examined) {
        return record.hostname().equals(ThisProcess.HOSTNAME)
                && isGone(record, examined.lastModifiedTime().toInstant());
    }

    /**
     * The record in the lock file, {@code <pid>\n<hostname>\n} with an optional third
     * line, the holder's start token (Python 3.29 and later), parsed as strictly as
     * Python does; empty when the file is missing, not a regular file (never opened
     * then), or not such a record.
     */
    public Optional<Record> read() {
        try {
            // Through the gate: never opens a file this JVM holds POSIX locks on, nor a
            // FIFO, nor through a link.
            return parse(LockFileReads.read(canonicalPath, MAX_RECORD_BYTES + 1));
        }
        catch (IOException missingUnreadableOrHeldHere) {
            return Optional.empty();
        }
    }

    static Optional<Record> parse(byte[] content) {
        if (content.length == 0 || content.length > MAX_RECORD_BYTES) {
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        }
        catch (CharacterCodingException notUtf8) {
            return Optional.empty();
        }
        String[] lines = text.strip().split("\\R", -1);
        if (lines.length < 2 || lines.length > 3) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines[0].strip());
            BigInteger startToken = lines.length == 3 ? new BigInteger(lines[2].strip()) : null;
            return pid >= 1 && pid <= Integer.MAX_VALUE ? Optional.of(new Record(pid, lines[1], startToken))
                    : Optional.empty();
        }
        catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean isGone(Record record, Instant written) {
        Optional<ProcessHandle> process = ProcessHandle.of(record.pid());
        if (process.isEmpty()) {
            return true;
        }
        BigInteger recordedToken = record.startToken();
        if (recordedToken != null) {
            // Python's rule: a live pid whose start token differs is a recycled pid; an
            // unreadable token proves nothing.
            Optional<BigInteger> current = StartTokens.of(record.pid());
            if (current.isPresent()) {
                return !current.get().equals(recordedToken);
            }
        }
        // The pid is alive, but a process that started after the file was written cannot
        // have written it.
        Optional<Instant> started = process.get().info().startInstant();
        return started.isPresent() && started.get().isAfter(written.plus(CLOCK_SLACK));
    }

    /**
     * Deletes the examined lock file, unless it changed meanwhile. Breakers in this
     * library take turns through an exclusive {@code <lock>.break} guard file and check,
     * under it, that the path still names the very file they judged (same inode and
     * modification time, and {@code stillBreakable}): so a successor's fresh lock file,
     * created after another breaker removed the stale one, is never removed or moved by a
     * second breaker.
     */
    private boolean breakLock(BasicFileAttributes examined, BooleanSupplier stillBreakable, String why) {
        Path guard = canonicalPath.resolveSibling(canonicalPath.getFileName() + ".break");
        try {
            Files.createFile(guard);
        }
        catch (FileAlreadyExistsException anotherBreaker) {
            deleteIfAbandoned(guard);
            return false;
        }
        catch (IOException e) {
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
        }
        catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not break the lock " + lockPath, e);
            return false;
        }
        finally {
            try {
                Files.deleteIfExists(guard);
            }
            catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not remove the guard file " + guard, e);
            }
        }
    }

    /**
     * Whether this JVM holds the file as a read/write lock (SQLite): whatever its record
     * or age says, it has a live holder, and deleting it would let another process create
     * a new file and lock that one too.
     */
    private boolean openThroughSqliteHere() {
        try {
            byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];
            return LockFileReads.isOpenThroughSqlite(Posix.identity(Posix.cString(canonicalPath), statBuffer));
        }
        catch (LastErrorException gone) {
            return false;
        }
    }

    private static boolean sameFile(BasicFileAttributes examined, BasicFileAttributes current) {
        return examined.fileKey() != null && examined.fileKey().equals(current.fileKey())
                && examined.lastModifiedTime().equals(current.lastModifiedTime());
    }

    /**
     * A breaker that died between creating and removing its guard must not stop every
     * later break.
     */
    private static void deleteIfAbandoned(Path guard) {
        try {
            Instant created = Files.getLastModifiedTime(guard, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (Instant.now().isAfter(created.plus(ABANDONED_GUARD_AGE))) {
                Files.deleteIfExists(guard);
            }
        }
        catch (IOException goneAlready) {
            // the other breaker finished
        }
    }

    private @Nullable BasicFileAttributes attributes() {
        try {
            return Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (IOException gone) {
            return null;
        }
    }

    private boolean ownerWritable() {
        try {
            return Files.getPosixFilePermissions(canonicalPath, LinkOption.NOFOLLOW_LINKS)
                .contains(PosixFilePermission.OWNER_WRITE);
        }
        catch (java.nio.file.NoSuchFileException releasedMeanwhile) {
            return true; // the holder released between our two looks: the path is free,
                         // not read-only
        }
        catch (UnsupportedOperationException | IOException e) {
            return Files.isWritable(canonicalPath);
        }
    }

    /**
     * A holder as recorded in the file; the start token only when a third line (Python
     * 3.29 and later) names it.
     */
    public record Record(long pid, String hostname, @Nullable BigInteger startToken) {

        /** Whether the record names this process on this host. */
        public boolean isCurrentProcess() {
            return pid == ThisProcess.PID && hostname.equals(ThisProcess.HOSTNAME);
        }
    }

}
