package dev.filelock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide table of exclusive lock entries, one per canonical path and kind. An entry exists while it is held,
 * waited for or being released; afterwards a bounded number of idle entries stay, least recently used first out, so that
 * a hot path keeps its open descriptor, while a million distinct keys leave no trace.
 */
final class LockTable {

    static final LockTable INSTANCE = new LockTable(128);

    private final ConcurrentHashMap<LockKey, LockEntry> entries = new ConcurrentHashMap<>();
    private final int maxIdleEntries;
    private final LinkedHashMap<LockEntry, Boolean> idleEntries = new LinkedHashMap<>();

    LockTable(int maxIdleEntries) {
        this.maxIdleEntries = maxIdleEntries;
    }

    /** Returns the live entry for the key, with its mutex held and the caller counted as one of its users. */
    LockEntry checkout(LockKey key) {
        while (true) {
            LockEntry entry = entries.computeIfAbsent(key, LockEntry::new);
            entry.mutex.lock();
            if (!entry.retired) {
                if (entry.users == 0) {
                    forgetIdle(entry);
                }
                entry.users++;
                return entry;
            }
            entry.mutex.unlock();
        }
    }

    /** Counts one user less and unlocks the entry's mutex; an unused entry is parked as idle or retired. */
    void checkin(LockEntry entry) {
        LockEntry evicted = null;
        try {
            entry.users--;
            if (entry.isIdle()) {
                if (entry.hasReusableResources()) {
                    evicted = park(entry);
                } else {
                    retire(entry);
                }
            }
        } finally {
            entry.mutex.unlock();
        }
        if (evicted != null) {
            evict(evicted);
        }
    }

    /** The entry for the key if one exists now; its state must be read under its mutex. */
    @Nullable LockEntry peek(LockKey key) {
        return entries.get(key);
    }

    /** Snapshots of every entry that is held or waited for. */
    List<EntrySnapshot> activeEntries() {
        List<EntrySnapshot> snapshots = new ArrayList<>();
        for (LockEntry entry : entries.values()) {
            entry.mutex.lock();
            try {
                if (!entry.retired && !entry.isIdle()) {
                    snapshots.add(entry.snapshot());
                }
            } finally {
                entry.mutex.unlock();
            }
        }
        return snapshots;
    }

    /**
     * Ends the holds of every owner on the canonical path, native and soft, and wakes the waiters.
     *
     * @return whether anything was held
     */
    boolean forceRelease(Path canonicalPath) {
        boolean released = false;
        for (LockKind kind : LockKind.values()) {
            LockEntry entry = peek(new LockKey(canonicalPath, kind));
            if (entry == null) {
                continue;
            }
            entry.mutex.lock();
            if (!entry.retired && entry.forceRelease()) {
                released = true;
                checkin(entry); // the owner's user count, which its own release will no longer return
            } else {
                entry.mutex.unlock();
            }
        }
        return released;
    }

    int size() {
        return entries.size();
    }

    private void retire(LockEntry entry) {
        entry.retired = true;
        entry.closeBackend();
        entries.remove(entry.key, entry);
    }

    private synchronized @Nullable LockEntry park(LockEntry entry) {
        idleEntries.put(entry, Boolean.TRUE);
        if (idleEntries.size() <= maxIdleEntries) {
            return null;
        }
        Iterator<LockEntry> eldest = idleEntries.keySet().iterator();
        LockEntry evicted = eldest.next();
        eldest.remove();
        return evicted;
    }

    private synchronized void forgetIdle(LockEntry entry) {
        idleEntries.remove(entry);
    }

    /** Retires an entry pushed out of the idle set, unless someone started using it again meanwhile. */
    private void evict(LockEntry entry) {
        entry.mutex.lock();
        try {
            if (!entry.retired && entry.isIdle()) {
                retire(entry);
            }
        } finally {
            entry.mutex.unlock();
        }
    }
}
