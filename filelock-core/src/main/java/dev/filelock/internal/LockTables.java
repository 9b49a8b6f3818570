package dev.filelock.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This JVM's lock tables, one per engine, each registered when it is created; so
 * diagnostics and timeout messages, which sit below the engines, read every table without
 * naming one. A table not created yet holds no lock.
 */
public final class LockTables {

    private static final List<Table> TABLES = new CopyOnWriteArrayList<>();

    private LockTables() {
    }

    /**
     * Registers an engine's JVM-wide table.
     * @param table the table
     * @param <T> the table's type
     * @return the table
     */
    public static <T extends Table> T register(T table) {
        TABLES.add(table);
        return table;
    }

    /**
     * Returns the entries of every table that are held or waited for, ordered by path and
     * protocol.
     * @return a snapshot of each entry, each read consistently
     */
    public static List<LockSnapshot> activeEntries() {
        List<LockSnapshot> entries = new ArrayList<>();
        for (Table table : TABLES) {
            entries.addAll(table.activeEntries());
        }
        entries.sort(Comparator.comparing(LockSnapshot::canonicalPath).thenComparing(LockSnapshot::protocol));
        return entries;
    }

    /**
     * Ends every hold on the canonical path in every table and wakes the waiters.
     * @param canonicalPath the canonical lock path
     * @return whether anything was held
     */
    public static boolean forceRelease(Path canonicalPath) {
        boolean released = false;
        for (Table table : TABLES) {
            released |= table.forceRelease(canonicalPath);
        }
        return released;
    }

    /** The JVM-wide table of one engine. */
    public interface Table {

        /**
         * Returns the entries that are held or waited for.
         * @return a snapshot of each
         */
        List<LockSnapshot> activeEntries();

        /**
         * Ends every hold on the canonical path and wakes the waiters.
         * @param canonicalPath the canonical lock path
         * @return whether anything was held
         */
        boolean forceRelease(Path canonicalPath);

    }

}
