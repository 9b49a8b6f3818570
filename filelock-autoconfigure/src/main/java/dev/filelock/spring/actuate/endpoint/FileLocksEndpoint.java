package dev.filelock.spring.actuate.endpoint;

import dev.filelock.FileLockDiagnostics;
import dev.filelock.FileLockDiagnostics.ActiveLock;
import dev.filelock.FileLockDiagnostics.Probe;
import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.LockMode;
import dev.filelock.spring.FileLockRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;

/**
 * The {@code filelocks} endpoint: every file lock this JVM holds or waits for, one lock with what other processes hold
 * on its file, and (with unrestricted access only) a forced release. Paths are shown relative to the lock directory.
 * Read-only by default: {@code management.endpoint.filelocks.access=unrestricted} enables the delete operation.
 *
 * @since 0.1
 */
@Endpoint(id = "filelocks", defaultAccess = Access.READ_ONLY)
public class FileLocksEndpoint {

    private final FileLockRegistry registry;

    private final Clock clock;

    /**
     * Creates the endpoint over a registry's directory.
     *
     * @param registry resolves keys (never outside its directory) and shortens paths for display
     */
    public FileLocksEndpoint(FileLockRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    FileLocksEndpoint(FileLockRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Lists every lock this JVM holds or waits for (inside the lock directory or not).
     *
     * @return the locks and their totals
     */
    @ReadOperation
    public FileLocksDescriptor locks() {
        Instant now = this.clock.instant();
        List<LockDescriptor> locks = FileLockDiagnostics.activeLocks()
            .stream()
            .map((lock) -> describe(lock, now))
            .toList();
        return new FileLocksDescriptor(this.registry.directory().toString(), Totals.of(locks), locks);
    }

    /**
     * Describes one lock: its state in this JVM and what other processes hold on its file, found without locking,
     * waiting or creating anything.
     *
     * @param path the lock file's path relative to the lock directory
     * @return the lock, or {@code null} (404) when its file does not exist and this JVM does not use it
     */
    @ReadOperation
    public @Nullable LockDetailsDescriptor lock(@Selector(match = Match.ALL_REMAINING) String[] path) {
        Path canonical = resolve(path);
        Instant now = this.clock.instant();
        LockDescriptor inThisProcess = FileLockDiagnostics.activeLocks()
            .stream()
            .filter((lock) -> lock.path().equals(canonical))
            .findFirst()
            .map((lock) -> describe(lock, now))
            .orElse(null);
        Probe probe = FileLockDiagnostics.probe(canonical);
        if (inThisProcess == null && !probe.exists()) {
            return null;
        }
        return new LockDetailsDescriptor(this.registry.displayKey(canonical), probe.exists(), inThisProcess,
                OtherProcesses.of(probe));
    }

    /**
     * Forces this JVM's holds on one lock to end: an operator's last resort for a stuck holder. The OS-level lock is
     * given back and waiting threads are woken; the former holders are not told.
     *
     * @param path the lock file's path relative to the lock directory
     * @return the path and whether anything was held (and is now released)
     */
    @DeleteOperation
    public ReleasedDescriptor release(@Selector(match = Match.ALL_REMAINING) String[] path) {
        Path canonical = resolve(path);
        boolean released = this.registry.forceRelease(canonical);
        return new ReleasedDescriptor(this.registry.displayKey(canonical), released);
    }

    private Path resolve(String[] segments) {
        String key = String.join("/", segments);
        try {
            return this.registry.resolve(key);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(Objects.requireNonNullElse(ex.getMessage(), "Invalid lock path"),
                    "Invalid lock path");
        }
    }

    private LockDescriptor describe(ActiveLock lock, Instant now) {
        List<HolderDescriptor> holders = lock.holders()
            .stream()
            .map((holder) -> new HolderDescriptor(holder.name(), holder.holdCount(),
                    (holder.since() != null) ? holder.since().toString() : null,
                    (holder.since() != null) ? Duration.between(holder.since(), now).toString() : null))
            .toList();
        return new LockDescriptor(this.registry.displayKey(lock.path()), lock.type().displayName(), mode(lock),
                holders, lock.waitingThreads());
    }

    private static @Nullable String mode(ActiveLock lock) {
        if (lock.mode() != null) {
            return lock.mode().name().toLowerCase(Locale.ROOT);
        }
        return switch (lock.type()) {
            case NATIVE, SOFT -> "exclusive";
            case NATIVE_READ_WRITE, SQLITE_READ_WRITE, SOFT_READ_WRITE -> null;
        };
    }

    /**
     * The response of {@code GET /actuator/filelocks}.
     *
     * @param directory the lock directory ({@code filelock.directory}, resolved)
     * @param totals counts over all locks
     * @param locks the locks, ordered by path
     */
    public record FileLocksDescriptor(String directory, Totals totals, List<LockDescriptor> locks)
            implements OperationResponseBody {
    }

    /**
     * Counts over the listed locks.
     *
     * @param locks how many locks are listed
     * @param held how many of them are held by this JVM
     * @param holders how many holders there are, all locks together
     * @param waitingThreads how many threads wait, all locks together
     */
    public record Totals(int locks, int held, int holders, int waitingThreads) {

        static Totals of(List<LockDescriptor> locks) {
            int held = 0;
            int holders = 0;
            int waiting = 0;
            for (LockDescriptor lock : locks) {
                held += lock.holders().isEmpty() ? 0 : 1;
                holders += lock.holders().size();
                waiting += lock.waitingThreads().size();
            }
            return new Totals(locks.size(), held, holders, waiting);
        }
    }

    /**
     * One lock this JVM holds or waits for.
     *
     * @param path relative to the lock directory (absolute when outside it)
     * @param type {@code native read-write} (the default {@code filelock.type}), {@code sqlite read-write}, {@code soft},
     *     {@code soft read-write}, or {@code native} for a plain {@code FileLock}
     * @param mode {@code exclusive}, {@code read} or {@code write}; {@code null} for a read/write lock only waited for
     * @param holders who holds it in this JVM
     * @param waitingThreads the names of the threads waiting for it
     */
    public record LockDescriptor(String path, String type, @Nullable String mode, List<HolderDescriptor> holders,
            List<String> waitingThreads) {
    }

    /**
     * One holder.
     *
     * @param thread the thread's name, or a description of a hold no single thread owns
     * @param holdCount how many levels it holds
     * @param since when it took the first level (ISO-8601)
     * @param heldFor how long it has held the lock (ISO-8601 duration)
     */
    public record HolderDescriptor(String thread, int holdCount, @Nullable String since, @Nullable String heldFor) {
    }

    /**
     * The response of {@code GET /actuator/filelocks/{path}}.
     *
     * @param path relative to the lock directory
     * @param exists whether the lock file exists
     * @param thisProcess the lock's state in this JVM, or {@code null} when this JVM neither holds nor waits for it
     * @param otherProcesses what other processes hold on the file
     */
    public record LockDetailsDescriptor(String path, boolean exists, @Nullable LockDescriptor thisProcess,
            OtherProcesses otherProcesses) implements OperationResponseBody {
    }

    /**
     * What other processes hold on a lock file, as the kernel's lock table or the lock file's record tells.
     *
     * @param held whether another process holds the lock right now
     * @param kernelLockTableRead whether {@code /proc/locks} was read (false off Linux: only soft lock records count)
     * @param holders the other holders
     */
    public record OtherProcesses(boolean held, boolean kernelLockTableRead, List<ProcessDescriptor> holders) {

        static OtherProcesses of(Probe probe) {
            return new OtherProcesses(probe.heldByAnotherProcess(), probe.kernelTableRead(),
                    probe.otherProcesses().stream().map(ProcessDescriptor::of).toList());
        }
    }

    /**
     * Another process holding a lock file.
     *
     * @param pid its process id
     * @param host the host recorded in a soft lock file, or {@code null} for this host (seen by the kernel)
     * @param source {@code flock} or {@code posix} (the kernel's lock table) or {@code lock file record}
     * @param mode {@code write} (exclusive) or {@code read} (shared)
     */
    public record ProcessDescriptor(long pid, @Nullable String host, String source, String mode) {

        static ProcessDescriptor of(ProcessHolder holder) {
            return new ProcessDescriptor(holder.pid(), holder.host(), holder.evidence(),
                    holder.mode() == LockMode.WRITE ? "write" : "read");
        }
    }

    /**
     * The response of {@code DELETE /actuator/filelocks/{path}}.
     *
     * @param path relative to the lock directory
     * @param released whether this JVM held the lock and released it; {@code false} when it held nothing
     */
    public record ReleasedDescriptor(String path, boolean released) implements OperationResponseBody {
    }
}
