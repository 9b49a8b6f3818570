package dev.filelock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The JVM-wide table of read/write lock entries, one per canonical path and lock kind, so that every lock object on a
 * path shares one backend (one SQLite connection: a second one in the JVM could drop the first one's POSIX locks).
 * An entry lives while a lock object is attached to it or anyone holds or waits, and then goes with its backend.
 */
final class ReadWriteTable {

    static final ReadWriteTable INSTANCE = new ReadWriteTable();

    private final ConcurrentMap<Key, ReadWriteEntry> entries = new ConcurrentHashMap<>();

    /**
     * Identifies an entry.
     *
     * @param canonicalPath the real path of the parent directory plus the file name
     * @param kind the backend kind, such as {@code "sqlite"}
     */
    record Key(Path canonicalPath, String kind) {
    }

    /** Returns the entry for the key, creating it with a new backend if needed, and counts one more user. */
    ReadWriteEntry attach(Key key, Path path, ReadWriteBackend.Factory backends) {
        return entries.compute(key, (k, entry) -> {
            ReadWriteEntry attached = entry != null ? entry : new ReadWriteEntry(backends.create(k.canonicalPath(), path));
            attached.users++;
            return attached;
        });
    }

    /** Counts one user less and removes the entry if it is no longer used. */
    void detach(Key key, ReadWriteEntry entry) {
        entries.computeIfPresent(key, (k, current) -> {
            if (current != entry) {
                return current;
            }
            current.users--;
            return removedIfUnused(current);
        });
    }

    /** Removes the entry if no lock object is attached and nobody holds or waits. */
    void removeIfUnused(Key key, ReadWriteEntry entry) {
        entries.computeIfPresent(key, (k, current) -> current == entry ? removedIfUnused(current) : current);
    }

    private static ReadWriteEntry removedIfUnused(ReadWriteEntry entry) {
        // Inside the map's atomic operation, so no new user can attach to an entry whose backend is being closed.
        if (entry.users > 0 || !entry.isIdle()) {
            return entry;
        }
        entry.closeBackend();
        return null;
    }

    /** Diagnostics of every entry that is held or waited for. */
    List<FileLockDiagnostics.ActiveLock> activeLocks() {
        List<FileLockDiagnostics.ActiveLock> locks = new ArrayList<>();
        entries.forEach((key, entry) -> {
            FileLockDiagnostics.LockType type = key.kind().equals("sqlite")
                    ? FileLockDiagnostics.LockType.SQLITE_READ_WRITE
                    : FileLockDiagnostics.LockType.SOFT_READ_WRITE;
            FileLockDiagnostics.ActiveLock lock = entry.snapshot(key.canonicalPath(), type);
            if (lock != null) {
                locks.add(lock);
            }
        });
        return locks;
    }

    /** Ends every hold on the canonical path, of any backend kind; false when none was held. */
    boolean forceRelease(Path canonicalPath) {
        boolean released = false;
        for (Map.Entry<Key, ReadWriteEntry> entry : entries.entrySet()) {
            if (entry.getKey().canonicalPath().equals(canonicalPath)) {
                released |= entry.getValue().forceRelease();
            }
        }
        return released;
    }

    int size() {
        return entries.size();
    }
}
