package dev.filelock;

import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.LockTables;
import dev.filelock.internal.diagnostics.LockProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Read-only views of this JVM's file locks for monitoring tools (an actuator endpoint, a
 * health check): which locks are held or waited for, and whether another process holds a
 * given lock file right now. Nothing here takes or waits for a lock, except
 * {@link #forceRelease(Path)}, the operator's last resort.
 *
 * @since 0.1
 */
public final class FileLockDiagnostics {

    private FileLockDiagnostics() {
    }

    /**
     * Lists every lock this JVM holds or waits for, exclusive and read/write alike,
     * ordered by path.
     * @return an immutable snapshot, each lock read consistently (the list as a whole is
     * not one atomic moment)
     */
    public static List<ActiveLock> activeLocks() {
        List<ActiveLock> locks = new ArrayList<>();
        for (LockSnapshot entry : LockTables.activeEntries()) {
            locks.add(ActiveLock.of(entry));
        }
        return List.copyOf(locks);
    }

    /**
     * Looks at a lock file from the outside, without locking, waiting or creating
     * anything: the kernel's lock table ({@code /proc/locks} on Linux: {@code flock}
     * holders of native locks, byte-range holders of SQLite read/write locks) and the pid
     * and host recorded in a soft lock file.
     * @param path the lock file
     * @return what other processes hold on it (soft read/write locks: the pid and host in
     * {@code P.write} and {@code
     *     P.readers/*}); {@link Probe#kernelTableRead()} is false where there is no
     * {@code
     *     /proc/locks} (then only soft lock records are seen)
     */
    public static Probe probe(Path path) {
        LockProbe.Result probe = LockProbe.probe(Objects.requireNonNull(path, "path"));
        return new Probe(probe.path(), probe.exists(), probe.kernelTableRead(),
                probe.otherProcesses()
                    .stream()
                    .map(holder -> new ProcessHolder(holder.pid(), holder.host(), holder.evidence(), holder.mode()))
                    .toList());
    }

    /**
     * Releases every hold this JVM has on the lock file, whoever took it, and wakes the
     * threads waiting for it: the OS-level lock is given back, so another process (or a
     * waiting thread here) gets it. The former holders are not told; their later release
     * is a no-op and an {@code unlock()} fails with {@link IllegalMonitorStateException}.
     * Meant for an operator freeing a lock whose holder is stuck, never for normal flow.
     * @param path the lock file, in any spelling (it is canonicalised as locks do)
     * @return whether anything was held and is now released
     */
    public static boolean forceRelease(Path path) {
        Path canonical = canonicalOrSelf(Objects.requireNonNull(path, "path"));
        return LockTables.forceRelease(canonical);
    }

    private static Path canonicalOrSelf(Path path) {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        try {
            return parent == null ? absolute : parent.toRealPath().resolve(absolute.getFileName().toString());
        }
        catch (IOException missing) {
            return absolute; // no such directory: nothing can be held there
        }
    }

    /**
     * The type of a lock: its on-disk protocol, named as {@code filelock.type} names it.
     */
    public enum LockType {

        /**
         * {@link FileLock} and {@link NativeReadWriteFileLock}: {@code flock(2)} on the
         * file.
         */
        NATIVE("native"),
        /** {@link ReadWriteFileLock}: SQLite transactions on the file. */
        SQLITE("sqlite"),
        /**
         * {@link SoftFileLock}, or a native lock that fell back to a marker file where
         * {@code flock} is unsupported.
         */
        SOFT("soft"),
        /** {@link SoftReadWriteFileLock}: marker files next to the path. */
        SOFT_READ_WRITE("soft-read-write");

        private final String value;

        LockType(String value) {
            this.value = value;
        }

        /**
         * Returns the type's name in the project's vocabulary, as metrics tags and
         * endpoints show it.
         * @return {@code native}, {@code sqlite}, {@code soft} or {@code soft-read-write}
         */
        public String value() {
            return value;
        }

        static LockType of(LockProtocol protocol) {
            return switch (protocol) {
                case NATIVE -> NATIVE;
                case SQLITE -> SQLITE;
                case SOFT -> SOFT;
                case SOFT_READ_WRITE -> SOFT_READ_WRITE;
            };
        }

    }

    /**
     * One lock this JVM holds or waits for.
     *
     * @param path the canonical path of the lock file
     * @param type the lock's protocol
     * @param readWrite whether it is a read/write lock (otherwise an exclusive one)
     * @param mode {@code WRITE} while a writer holds a read/write lock, {@code READ}
     * while readers do, {@code null} for an exclusive lock or a read/write lock nobody
     * holds yet
     * @param holders who holds it in this JVM (empty while only waited for)
     * @param waitingThreads names of the threads of this JVM waiting for it
     */
    public record ActiveLock(Path path, LockType type, boolean readWrite, @Nullable LockMode mode, List<Holder> holders,
            List<String> waitingThreads) {

        /**
         * Copies the lists.
         * @param path the canonical path
         * @param type the protocol
         * @param readWrite whether it is a read/write lock
         * @param mode the held mode of a read/write lock, or {@code null}
         * @param holders the holders
         * @param waitingThreads the waiting threads' names
         */
        public ActiveLock {
            holders = List.copyOf(holders);
            waitingThreads = List.copyOf(waitingThreads);
        }

        /**
         * Tells whether some thread or hold of this JVM holds the lock.
         * @return whether {@link #holders()} is not empty
         */
        public boolean isHeld() {
            return !holders.isEmpty();
        }

        static ActiveLock of(LockSnapshot entry) {
            List<Holder> holders = entry.holders()
                .stream()
                .map(holder -> new Holder(holder.name(), holder.holdCount(), holder.since()))
                .toList();
            return new ActiveLock(entry.canonicalPath(), LockType.of(entry.protocol()), entry.readWrite(), entry.mode(),
                    holders, entry.waitingThreads());
        }
    }

    /**
     * One holder of a lock in this JVM.
     *
     * @param name the holding thread's name, or a description such as
     * {@code "(shared by all threads)"} for holds that no single thread owns
     * @param holdCount how many levels it holds (the lock is reentrant)
     * @param since when its first level was taken, or {@code null} if unknown
     */
    public record Holder(String name, int holdCount, @Nullable Instant since) {
    }

    /**
     * What a look from outside found on one lock file.
     *
     * @param path the lock file as given
     * @param exists whether the file exists (for a soft read/write lock: whether one of
     * its markers does)
     * @param kernelTableRead whether the kernel's lock table could be read
     * ({@code /proc/locks}, Linux only)
     * @param otherProcesses the other processes found holding the lock, empty when none
     */
    public record Probe(Path path, boolean exists, boolean kernelTableRead, List<ProcessHolder> otherProcesses) {

        /**
         * Copies the list.
         * @param path the lock file
         * @param exists whether it exists
         * @param kernelTableRead whether {@code /proc/locks} was read
         * @param otherProcesses the other holders
         */
        public Probe {
            otherProcesses = List.copyOf(otherProcesses);
        }

        /**
         * Tells whether another process holds the lock right now, as far as could be
         * seen.
         * @return whether {@link #otherProcesses()} is not empty
         */
        public boolean heldByAnotherProcess() {
            return !otherProcesses.isEmpty();
        }
    }

    /**
     * Another process holding a lock file.
     *
     * @param pid its process id as the kernel or the lock file tells it
     * @param host the host recorded in a soft lock file, or {@code null} when the kernel
     * told (this host)
     * @param evidence where this was seen: {@code "flock"} or {@code "posix"} (the
     * kernel's lock table; {@code posix} is SQLite's byte-range locks),
     * {@code "lock file record"} (a soft lock) or {@code "marker file"} (a soft
     * read/write lock)
     * @param mode {@code WRITE} for an exclusive hold, {@code READ} for a shared one
     */
    public record ProcessHolder(long pid, @Nullable String host, String evidence, LockMode mode) {
    }

}
