package dev.filelock.spring.actuate.health;

import dev.filelock.FileLock;
import dev.filelock.FileLockDiagnostics;
import dev.filelock.FileLockDiagnostics.ActiveLock;
import dev.filelock.FileLockDiagnostics.Holder;
import dev.filelock.FileLockException;
import dev.filelock.LockHold;
import dev.filelock.SoftFileLock;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.AntPathMatcher;

/**
 * Whether file locks work in the lock directory: {@code UP} when the directory exists (or
 * can be created), is writable, this process can still open files (it is not out of
 * descriptors), and a probe lock ({@value #PROBE_FILE}) can be taken and released;
 * {@code DOWN} with the reason (and the {@code error}, when there is one) otherwise. With
 * a maximum hold time set, a lock of this JVM held longer also makes it {@code DOWN}, as
 * a disk below its threshold does for Spring Boot's disk space indicator, unless its key
 * (its path relative to the lock directory, with {@code /} separators) matches one of the
 * Ant-style exclusion patterns ({@code leader}, {@code leaders/**}), as a lock meant to
 * be held for the life of the application (Spring Integration's
 * {@code LockRegistryLeaderInitiator}) must. Details: {@code directory}, {@code backend}
 * ({@code file}), {@code probeType} (the protocol of the probe lock: {@code soft} for
 * soft locks, {@code native} otherwise), {@code locksHeld}, {@code longestHold} (and
 * {@code longestHeldLock}), and {@code heldTooLong} when some are.
 *
 * @since 0.1
 */
public class FileLockHealthIndicator extends AbstractHealthIndicator {

    /**
     * The file, in the lock directory, that the probe lock uses; it is left in place as
     * lock files are.
     */
    public static final String PROBE_FILE = ".filelock-health.lock";

    private static final AntPathMatcher KEY_MATCHER = new AntPathMatcher();

    private final Path directory;

    private final boolean soft;

    private final @Nullable Duration maxHold;

    private final List<String> maxHoldExclude;

    private final Clock clock;

    /**
     * Creates the indicator.
     * @param directory the lock directory
     * @param soft whether the application uses soft (marker file) locks rather than
     * native ({@code flock}) ones
     * @param maxHold the longest a lock may be held before the status is {@code DOWN}, or
     * {@code null} for no limit
     */
    public FileLockHealthIndicator(Path directory, boolean soft, @Nullable Duration maxHold) {
        this(directory, soft, maxHold, List.of());
    }

    /**
     * Creates the indicator, with locks that the maximum hold time ignores.
     * @param directory the lock directory
     * @param soft whether the application uses soft (marker file) locks rather than
     * native ({@code flock}) ones
     * @param maxHold the longest a lock may be held before the status is {@code DOWN}, or
     * {@code null} for no limit
     * @param maxHoldExclude Ant-style patterns ({@link AntPathMatcher}) of the keys,
     * relative to the directory, that may be held longer than {@code maxHold}; empty for
     * none
     */
    public FileLockHealthIndicator(Path directory, boolean soft, @Nullable Duration maxHold,
            List<String> maxHoldExclude) {
        this(directory, soft, maxHold, maxHoldExclude, Clock.systemUTC());
    }

    FileLockHealthIndicator(Path directory, boolean soft, @Nullable Duration maxHold, Clock clock) {
        this(directory, soft, maxHold, List.of(), clock);
    }

    FileLockHealthIndicator(Path directory, boolean soft, @Nullable Duration maxHold, List<String> maxHoldExclude,
            Clock clock) {
        super("File lock health check failed");
        this.directory = directory;
        this.soft = soft;
        this.maxHold = maxHold;
        this.maxHoldExclude = List.copyOf(maxHoldExclude);
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("directory", this.directory.toString())
            .withDetail("backend", "file")
            .withDetail("probeType", this.soft ? "soft" : "native");
        String problem = directoryProblem();
        if (problem == null) {
            problem = openFilesProblem(builder);
        }
        if (problem == null) {
            problem = probeLockProblem();
        }
        if (problem != null) {
            builder.down().withDetail("reason", problem);
        }
        else {
            builder.up();
        }
        reportHolds(builder, problem == null);
    }

    private @Nullable String directoryProblem() {
        if (!Files.exists(this.directory)) {
            try {
                Files.createDirectories(this.directory);
            }
            catch (IOException | SecurityException ex) {
                return "The lock directory does not exist and cannot be created: " + ex;
            }
        }
        if (!Files.isDirectory(this.directory)) {
            return "The lock directory is not a directory";
        }
        if (!Files.isWritable(this.directory)) {
            return "The lock directory is not writable (read-only file system or missing permission)";
        }
        return null;
    }

    /**
     * Opens and closes the lock directory itself, which needs a new descriptor as every
     * lock not yet open does. The probe lock alone cannot tell: it may reuse a descriptor
     * its idle entry keeps, and pass while every new lock fails with "Too many open
     * files". The directory is never a file that SQLite locks, so closing it drops no
     * fcntl lock of this process.
     */
    private @Nullable String openFilesProblem(Health.Builder builder) {
        try {
            Files.newDirectoryStream(this.directory).close();
            return null;
        }
        catch (AccessDeniedException ex) {
            // Locking needs write and search permission on the directory, not read: the
            // probe lock tells.
            return null;
        }
        catch (IOException ex) {
            builder.withDetail("error", ex.toString());
            String reason = (ex instanceof FileSystemException failure) ? failure.getReason() : null;
            if (reason != null && reason.startsWith("Too many open files")) {
                return "This process cannot open more files (" + reason + "): every lock not already open fails; "
                        + "raise the open-file limit (ulimit -n) or find what holds the descriptors";
            }
            return "The lock directory cannot be opened: " + ex.getMessage();
        }
    }

    private @Nullable String probeLockProblem() {
        Path probe = this.directory.resolve(PROBE_FILE);
        FileLock lock = this.soft ? SoftFileLock.of(probe) : FileLock.of(probe);
        try {
            Optional<LockHold> hold = lock.tryAcquire();
            // Busy means another instance's health check holds it right now: locking
            // works there, so here too.
            hold.ifPresent(LockHold::close);
            return null;
        }
        catch (FileLockException | UnsupportedOperationException ex) {
            return "A probe lock cannot be taken: " + ex.getMessage();
        }
    }

    private void reportHolds(Health.Builder builder, boolean mayGoDown) {
        Instant now = this.clock.instant();
        int held = 0;
        Duration longest = Duration.ZERO;
        String longestPath = null;
        List<String> tooLong = new ArrayList<>();
        for (ActiveLock lock : FileLockDiagnostics.activeLocks()) {
            if (!lock.isHeld()) {
                continue;
            }
            held++;
            Duration hold = longestHold(lock, now);
            if (longestPath == null || hold.compareTo(longest) > 0) {
                longest = hold;
                longestPath = lock.path().toString();
            }
            if (this.maxHold != null && hold.compareTo(this.maxHold) > 0 && !excludedFromMaxHold(lock.path())) {
                tooLong.add(lock.path().toString());
            }
        }
        builder.withDetail("locksHeld", held).withDetail("longestHold", longest.toString());
        if (longestPath != null) {
            builder.withDetail("longestHeldLock", longestPath);
        }
        if (!tooLong.isEmpty()) {
            builder.withDetail("heldTooLong", tooLong).withDetail("maxHold", String.valueOf(this.maxHold));
            if (mayGoDown) {
                builder.down();
            }
        }
    }

    /**
     * Matches the key of a lock under the directory against the patterns; locks elsewhere
     * are never excluded.
     */
    private boolean excludedFromMaxHold(Path lockPath) {
        if (this.maxHoldExclude.isEmpty()) {
            return false;
        }
        Path root;
        try {
            root = this.directory.toRealPath();
        }
        catch (IOException ex) {
            root = this.directory.toAbsolutePath().normalize();
        }
        if (!lockPath.startsWith(root)) {
            return false;
        }
        String key = root.relativize(lockPath).toString().replace(lockPath.getFileSystem().getSeparator(), "/");
        return this.maxHoldExclude.stream().anyMatch((pattern) -> KEY_MATCHER.match(pattern.trim(), key));
    }

    private static Duration longestHold(ActiveLock lock, Instant now) {
        Duration longest = Duration.ZERO;
        for (Holder holder : lock.holders()) {
            if (holder.since() != null) {
                Duration hold = Duration.between(holder.since(), now);
                longest = (hold.compareTo(longest) > 0) ? hold : longest;
            }
        }
        return longest;
    }

}
