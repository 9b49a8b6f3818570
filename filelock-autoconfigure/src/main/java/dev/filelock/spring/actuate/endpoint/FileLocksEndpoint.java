package dev.filelock.spring.actuate.endpoint;

import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.FileLockDiagnostics.Probe;
import dev.filelock.LockMode;
import dev.filelock.spring.InspectableLockBackend;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
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
 * The {@code filelocks} endpoint, one schema for every {@link LockBackend}: the entries
 * this JVM holds or waits for through the backend, one entry by its path, and (with
 * unrestricted access only) a forced release. Where the backend's locks are files
 * ({@link InspectableLockBackend}: {@code filelock.backend=file}), one entry also shows
 * what other processes hold on its file and the forced release works; a backend over a
 * lock store (such as {@code jdbc}) has neither, since its other holders are rows of the
 * store. Read-only by default: {@code
 * management.endpoint.filelocks.access=unrestricted} enables the delete operation.
 *
 * @since 0.1
 */
@Endpoint(id = "filelocks", defaultAccess = Access.READ_ONLY)
public class FileLocksEndpoint {

    private final LockBackend backend;

    private final Clock clock;

    /**
     * Creates the endpoint over a backend.
     * @param backend the backend whose entries are listed, the one {@code @FileLocked}
     * methods lock through
     */
    public FileLocksEndpoint(LockBackend backend) {
        this(backend, Clock.systemUTC());
    }

    FileLocksEndpoint(LockBackend backend, Clock clock) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.clock = clock;
    }

    /**
     * Lists every entry this JVM holds or waits for through the backend (for files: every
     * file lock of the JVM, inside the lock directory or not).
     * @return the backend, the entries and their totals
     */
    @ReadOperation
    public LocksDescriptor locks() {
        Instant now = this.clock.instant();
        List<EntryDescriptor> entries = this.backend.activeEntries()
            .stream()
            .map((entry) -> EntryDescriptor.of(entry, now))
            .toList();
        String directory = (this.backend instanceof InspectableLockBackend files) ? files.directory().toString() : null;
        return new LocksDescriptor(this.backend.backendName(), directory, Totals.of(entries), entries);
    }

    /**
     * Describes one entry: its state in this JVM and, for files, what other processes
     * hold on its file, found without locking, waiting or creating anything.
     * @param path the key, relative to the lock directory
     * @return the entry, or {@code null} (404) when this JVM neither holds nor waits for
     * it and (for files) its file does not exist
     */
    @ReadOperation
    public @Nullable LockDetailsDescriptor lock(@Selector(match = Match.ALL_REMAINING) String[] path) {
        String key = String.join("/", path);
        String entryKey = refusedAsInvalid(() -> this.backend.entryKey(key));
        Instant now = this.clock.instant();
        EntryDescriptor thisProcess = this.backend.activeEntries()
            .stream()
            .filter((entry) -> entry.key().equals(entryKey))
            .findFirst()
            .map((entry) -> EntryDescriptor.of(entry, now))
            .orElse(null);
        if (!(this.backend instanceof InspectableLockBackend files)) {
            return (thisProcess != null)
                    ? new LockDetailsDescriptor(this.backend.backendName(), entryKey, null, thisProcess, null) : null;
        }
        Probe probe = refusedAsInvalid(() -> files.probe(key));
        if (thisProcess == null && !probe.exists()) {
            return null;
        }
        return new LockDetailsDescriptor(this.backend.backendName(), entryKey, probe.exists(), thisProcess,
                OtherProcesses.of(probe));
    }

    /**
     * Forces this JVM's holds on one lock to end: an operator's last resort for a stuck
     * holder. The OS-level lock is given back and waiting threads are woken; the former
     * holders are not told. Only backends whose locks are files can do it; others answer
     * 400.
     * @param path the key, relative to the lock directory
     * @return the path and whether anything was held (and is now released)
     */
    @DeleteOperation
    public ReleasedDescriptor release(@Selector(match = Match.ALL_REMAINING) String[] path) {
        String key = String.join("/", path);
        if (!(this.backend instanceof InspectableLockBackend files)) {
            throw new InvalidEndpointRequestException(
                    "The '" + this.backend.backendName() + "' lock backend cannot " + "force a release of '" + key
                            + "': its locks live in a lock store, whose holders this JVM "
                            + "cannot end; release them there (with filelock.backend=jdbc: delete the key's row)",
                    "Forced release not supported by this lock backend");
        }
        String entryKey = refusedAsInvalid(() -> files.entryKey(key));
        boolean released = refusedAsInvalid(() -> files.forceRelease(key));
        return new ReleasedDescriptor(entryKey, released);
    }

    private static <T> T refusedAsInvalid(Supplier<T> keyUse) {
        try {
            return keyUse.get();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(Objects.requireNonNullElse(ex.getMessage(), "Invalid lock path"),
                    "Invalid lock path");
        }
    }

    private static String lowerCase(LockMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The response of {@code GET /actuator/filelocks}.
     *
     * @param backend {@code file}, {@code jdbc} or {@code registry}
     * @param directory the lock directory ({@code filelock.directory}, resolved) of a
     * file backend; {@code null} (left out) for others
     * @param totals counts over all entries
     * @param entries the entries, ordered by path
     */
    public record LocksDescriptor(String backend, @Nullable String directory, Totals totals,
            List<EntryDescriptor> entries) implements OperationResponseBody {
    }

    /**
     * Counts over the listed entries.
     *
     * @param entries how many entries are listed
     * @param held how many of them are held by this JVM
     * @param owners how many owners there are, all entries together
     * @param waitingThreads how many threads wait, all entries together
     */
    public record Totals(int entries, int held, int owners, int waitingThreads) {

        static Totals of(List<EntryDescriptor> entries) {
            int held = 0;
            int owners = 0;
            int waiting = 0;
            for (EntryDescriptor entry : entries) {
                held += entry.owners().isEmpty() ? 0 : 1;
                owners += entry.owners().size();
                waiting += entry.waitingThreads().size();
            }
            return new Totals(entries.size(), held, owners, waiting);
        }
    }

    /**
     * One entry this JVM holds or waits for.
     *
     * @param path the key, relative to the lock directory (an absolute path for a file
     * lock outside it)
     * @param type the lock's protocol, as {@code filelock.type} spells it:
     * {@code native}, {@code sqlite}, {@code
     *     soft} or {@code soft-read-write}; {@code jdbc} or {@code registry} for a
     * registry backend, which has none
     * @param mode {@code read} or {@code write} ({@code write} for an exclusive lock);
     * {@code null} (left out) while only waited for
     * @param owners who holds it in this JVM
     * @param waitingThreads the names of the threads waiting for it
     */
    public record EntryDescriptor(String path, String type, @Nullable String mode, List<OwnerDescriptor> owners,
            List<String> waitingThreads) {

        static EntryDescriptor of(LockEntry entry, Instant now) {
            List<OwnerDescriptor> owners = entry.owners()
                .stream()
                .map((owner) -> new OwnerDescriptor(owner.name(), owner.holdCount(),
                        (owner.since() != null) ? owner.since().toString() : null,
                        (owner.since() != null) ? Duration.between(owner.since(), now).toString() : null))
                .toList();
            return new EntryDescriptor(entry.key(), entry.type(),
                    (entry.mode() != null) ? lowerCase(entry.mode()) : null, owners, entry.waitingThreads());
        }
    }

    /**
     * One owner of an entry.
     *
     * @param name the thread's name, or a description of a hold no single thread owns,
     * such as {@code (asynchronous
     *     hold)}
     * @param holdCount how many levels it holds
     * @param since when it took the first level (ISO-8601), or {@code null} if unknown
     * @param heldFor how long it has held the lock (ISO-8601 duration), or {@code null}
     * if unknown
     */
    public record OwnerDescriptor(String name, int holdCount, @Nullable String since, @Nullable String heldFor) {
    }

    /**
     * The response of {@code GET /actuator/filelocks/{path}}.
     *
     * @param backend {@code file}, {@code jdbc} or {@code registry}
     * @param path the key, relative to the lock directory
     * @param exists whether the lock file exists; {@code null} (left out) for a backend
     * without lock files
     * @param thisProcess the entry's state in this JVM, or {@code null} when this JVM
     * neither holds nor waits for it
     * @param otherProcesses what other processes hold on the file; {@code null} (left
     * out) for a backend without lock files
     */
    public record LockDetailsDescriptor(String backend, String path, @Nullable Boolean exists,
            @Nullable EntryDescriptor thisProcess,
            @Nullable OtherProcesses otherProcesses) implements OperationResponseBody {
    }

    /**
     * What other processes hold on a lock file, as the kernel's lock table or the lock
     * file's record tells.
     *
     * @param held whether another process holds the lock right now
     * @param kernelLockTableRead whether {@code /proc/locks} was read (false off Linux:
     * only soft lock records count)
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
     * @param host the host recorded in a soft lock file, or {@code null} for this host
     * (seen by the kernel)
     * @param source {@code flock} or {@code posix} (the kernel's lock table) or
     * {@code lock file record}
     * @param mode {@code write} (exclusive) or {@code read} (shared)
     */
    public record ProcessDescriptor(long pid, @Nullable String host, String source, String mode) {

        static ProcessDescriptor of(ProcessHolder holder) {
            return new ProcessDescriptor(holder.pid(), holder.host(), holder.evidence(), lowerCase(holder.mode()));
        }
    }

    /**
     * The response of {@code DELETE /actuator/filelocks/{path}}.
     *
     * @param path the key, relative to the lock directory
     * @param released whether this JVM held the lock and released it; {@code false} when
     * it held nothing
     */
    public record ReleasedDescriptor(String path, boolean released) implements OperationResponseBody {
    }

}
