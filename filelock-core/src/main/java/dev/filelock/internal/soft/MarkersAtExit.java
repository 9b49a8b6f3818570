package dev.filelock.internal.soft;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes the soft read/write markers still held when the JVM shuts down (as Python's
 * {@code atexit} hook releases its locks), so other processes need not wait for them to
 * go stale. A JVM that is killed leaves them to stale eviction.
 */
final class MarkersAtExit {

    private static final Set<Runnable> PENDING = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(MarkersAtExit::releaseAll, "filelock-soft-rw-exit"));
        }
        catch (IllegalStateException alreadyShuttingDown) {
            // nothing can be registered any more; stale eviction will clean up
        }
    }

    private MarkersAtExit() {
    }

    /** Runs the release at shutdown unless {@link #forget} is called first. */
    static void remember(Runnable release) {
        PENDING.add(release);
    }

    static void forget(Runnable release) {
        PENDING.remove(release);
    }

    private static void releaseAll() {
        for (Runnable release : PENDING) {
            try {
                release.run();
            }
            catch (RuntimeException bestEffort) {
                // the marker goes stale and is evicted instead
            }
        }
    }

}
