package dev.filelock.internal.exclusive;

import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.LockSnapshot;
import dev.filelock.internal.LockTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-wide table of exclusive lock entries, one per canonical path and protocol. An
 * entry exists while it is held, waited for or being released; afterwards it stays
 * parked, keeping its open descriptor for the next acquire of a hot path. Parking costs
 * one atomic increment: only when more than the allowed number are parked does a sweep
 * retire the longest-parked ones, so a million distinct keys leave no trace and
 * acquire/release take no global lock.
 */
public final class ExclusiveTable implements LockTables.Table {

    /**
     * How many idle entries keep their descriptor open, at most, for the next acquire of
     * their path.
     */
    public static final int MAX_IDLE_ENTRIES = 128;

    public static final ExclusiveTable INSTANCE = LockTables.register(new ExclusiveTable(MAX_IDLE_ENTRIES));

    /**
     * The protocols of exclusive locks; lock objects of different protocols on one path
     * are separate entries.
     */
    static final List<LockProtocol> PROTOCOLS = List.of(LockProtocol.NATIVE, LockProtocol.SOFT);

    private final ConcurrentHashMap<Key, ExclusiveEntry> entries = new ConcurrentHashMap<>();

    private final int maxIdleEntries;

    private final AtomicInteger parkedEntries = new AtomicInteger();

    private final AtomicBoolean sweeping = new AtomicBoolean();

    ExclusiveTable(int maxIdleEntries) {
        this.maxIdleEntries = maxIdleEntries;
    }

    /**
     * Returns the live entry for the key, with its mutex held and the caller counted as
     * one of its users.
     */
    ExclusiveEntry checkout(Key key) {
        while (true) {
            ExclusiveEntry entry = entries.computeIfAbsent(key, ExclusiveEntry::new);
            entry.mutex.lock();
            if (!entry.retired) {
                if (entry.parked) {
                    entry.parked = false;
                    parkedEntries.decrementAndGet();
                }
                entry.users++;
                return entry;
            }
            entry.mutex.unlock();
        }
    }

    /**
     * Counts one user less and unlocks the entry's mutex; an unused entry is parked as
     * idle or retired.
     */
    void checkin(ExclusiveEntry entry) {
        boolean tooManyParked = false;
        try {
            entry.users--;
            if (entry.isIdle()) {
                if (entry.hasReusableResources()) {
                    entry.parked = true;
                    entry.parkedAt = System.nanoTime();
                    tooManyParked = parkedEntries.incrementAndGet() > maxIdleEntries;
                }
                else {
                    retire(entry);
                }
            }
        }
        finally {
            entry.mutex.unlock();
        }
        if (tooManyParked) {
            sweep();
        }
    }

    /**
     * The entry for the key if one exists now; its state must be read under its mutex.
     */
    @Nullable ExclusiveEntry peek(Key key) {
        return entries.get(key);
    }

    @Override
    public List<LockSnapshot> activeEntries() {
        List<LockSnapshot> snapshots = new ArrayList<>();
        for (ExclusiveEntry entry : entries.values()) {
            entry.mutex.lock();
            try {
                if (!entry.retired && !entry.isIdle()) {
                    snapshots.add(entry.snapshot());
                }
            }
            finally {
                entry.mutex.unlock();
            }
        }
        return snapshots;
    }

    /**
     * Ends the holds of every owner on the canonical path, native and soft, and wakes the
     * waiters.
     * @return whether anything was held
     */
    @Override
    public boolean forceRelease(Path canonicalPath) {
        boolean released = false;
        for (LockProtocol protocol : PROTOCOLS) {
            ExclusiveEntry entry = peek(new Key(canonicalPath, protocol));
            if (entry == null) {
                continue;
            }
            entry.mutex.lock();
            if (!entry.retired && entry.forceRelease()) {
                released = true;
                checkin(entry); // the owner's user count, which its own release will no
                                // longer return
            }
            else {
                entry.mutex.unlock();
            }
        }
        return released;
    }

    int size() {
        return entries.size();
    }

    private void retire(ExclusiveEntry entry) {
        entry.retired = true;
        entry.closeBackend();
        entries.remove(entry.key, entry);
    }

    /**
     * Retires the longest-parked entries until half the allowed number remain parked, so
     * sweeps stay rare; entries used again meanwhile are left alone. One thread sweeps at
     * a time.
     */
    private void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            List<ParkedEntry> parked = new ArrayList<>();
            for (ExclusiveEntry entry : entries.values()) {
                entry.mutex.lock();
                try {
                    if (entry.parked && !entry.retired) {
                        parked.add(new ParkedEntry(entry, entry.parkedAt));
                    }
                }
                finally {
                    entry.mutex.unlock();
                }
            }
            parked.sort(Comparator.comparingLong(ParkedEntry::parkedAt));
            int surplus = parked.size() - maxIdleEntries / 2;
            for (int i = 0; i < surplus; i++) {
                retireIfStillParked(parked.get(i));
            }
        }
        finally {
            sweeping.set(false);
        }
    }

    private void retireIfStillParked(ParkedEntry candidate) {
        ExclusiveEntry entry = candidate.entry();
        entry.mutex.lock();
        try {
            if (entry.parked && entry.parkedAt == candidate.parkedAt() && !entry.retired && entry.isIdle()) {
                entry.parked = false;
                parkedEntries.decrementAndGet();
                retire(entry);
            }
        }
        finally {
            entry.mutex.unlock();
        }
    }

    private record ParkedEntry(ExclusiveEntry entry, long parkedAt) {
    }

    /** The JVM-wide identity of an exclusive lock: canonical path and protocol. */
    record Key(Path canonicalPath, LockProtocol protocol) {
    }

}
