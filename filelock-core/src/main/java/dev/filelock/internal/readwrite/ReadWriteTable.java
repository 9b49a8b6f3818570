package dev.filelock.internal.readwrite;

import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.LockTables;
import dev.filelock.internal.ReadWriteBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide table of read/write lock entries, one per canonical path and protocol, so
 * that every lock object on a path shares one backend (one SQLite connection: a second
 * one in the JVM could drop the first one's POSIX locks). An entry lives while a lock
 * object is attached to it or anyone holds or waits, and then goes with its backend.
 *
 * <p>
 * A backend's idle resources (an SQLite connection: a descriptor and its cache) are
 * bounded apart from the entries, as the exclusive engine's table bounds its parked
 * descriptors: an entry nobody holds parks its connection for the next acquire of a hot
 * path, and when more than the allowed number are parked a sweep closes the
 * longest-parked ones. So lock objects left open (or cached by a registry) on many
 * distinct paths pin no connection each.
 */
public final class ReadWriteTable implements LockTables.Table {

    /**
     * Parked idle resources beyond this many entries are closed: an SQLite connection
     * costs a descriptor and about 150 KiB, a native read/write lock two descriptors (the
     * lock file and its writers' gate).
     */
    public static final int MAX_PARKED = 32;

    public static final ReadWriteTable INSTANCE = LockTables.register(new ReadWriteTable(MAX_PARKED));

    private final ConcurrentMap<Key, ReadWriteEntry> entries = new ConcurrentHashMap<>();

    private final int maxParked;

    private final AtomicInteger parked = new AtomicInteger();

    private final AtomicBoolean sweeping = new AtomicBoolean();

    ReadWriteTable(int maxParked) {
        this.maxParked = maxParked;
    }

    /**
     * Identifies an entry.
     *
     * @param canonicalPath the real path of the parent directory plus the file name
     * @param protocol the protocol of the entry's backend
     */
    record Key(Path canonicalPath, LockProtocol protocol) {
    }

    /**
     * Returns the entry for the key, creating it with a new backend if needed, and counts
     * one more user.
     */
    ReadWriteEntry attach(Key key, Path path, ReadWriteBackend.Factory backends) {
        return entries.compute(key, (k, entry) -> {
            ReadWriteEntry attached = entry != null ? entry
                    : new ReadWriteEntry(this, backends.create(k.canonicalPath(), path));
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

    private static @Nullable ReadWriteEntry removedIfUnused(ReadWriteEntry entry) {
        // Inside the map's atomic operation, so no new user can attach to an entry whose
        // backend is being closed.
        if (entry.users > 0 || !entry.isIdle()) {
            return entry;
        }
        entry.closeBackend();
        return null;
    }

    @Override
    public List<LockSnapshot> activeEntries() {
        List<LockSnapshot> locks = new ArrayList<>();
        entries.forEach((key, entry) -> {
            LockSnapshot lock = entry.snapshot(key);
            if (lock != null) {
                locks.add(lock);
            }
        });
        return locks;
    }

    /**
     * Ends every hold on the canonical path, of any protocol; false when none was held.
     */
    @Override
    public boolean forceRelease(Path canonicalPath) {
        boolean released = false;
        for (Map.Entry<Key, ReadWriteEntry> entry : entries.entrySet()) {
            if (entry.getKey().canonicalPath().equals(canonicalPath)) {
                released |= entry.getValue().forceRelease();
            }
        }
        return released;
    }

    public int size() {
        return entries.size();
    }

    /**
     * Counts an entry whose backend parked its idle resources; called under the entry's
     * mutex.
     */
    void parked() {
        parked.incrementAndGet();
    }

    /**
     * Counts an entry whose parked resources are in use again or closed; called under the
     * entry's mutex.
     */
    void unparked() {
        parked.decrementAndGet();
    }

    public int parkedCount() {
        return parked.get();
    }

    /**
     * When more than the allowed number are parked, closes the longest-parked idle
     * resources until half that number remain, so sweeps stay rare; entries used again
     * meanwhile are left alone. Called with no entry's mutex held; one thread sweeps at a
     * time.
     */
    void sweepIfOverfull() {
        if (parked.get() <= maxParked || !sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            List<ParkedEntry> candidates = new ArrayList<>();
            for (ReadWriteEntry entry : entries.values()) {
                long parkedAt = entry.parkedAt();
                if (parkedAt != ReadWriteEntry.NOT_PARKED) {
                    candidates.add(new ParkedEntry(entry, parkedAt));
                }
            }
            candidates.sort(Comparator.comparingLong(ParkedEntry::parkedAt));
            int surplus = candidates.size() - maxParked / 2;
            for (int i = 0; i < surplus; i++) {
                candidates.get(i).entry().closeIfStillParked(candidates.get(i).parkedAt());
            }
        }
        finally {
            sweeping.set(false);
        }
    }

    private record ParkedEntry(ReadWriteEntry entry, long parkedAt) {
    }

}
