package dev.filelock.internal.sqlite;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Loads sqlite-jdbc's native library on a thread of its own: the loader clears the
 * interrupt status of the thread that runs it (verified with 3.54.1.0), so an interrupt
 * sent to a caller during the first connection of the JVM would be lost and the wait that
 * follows would not end.
 */
public final class SqliteNativeLibrary {

    private static volatile boolean loaded;

    private SqliteNativeLibrary() {
    }

    /**
     * Returns once the library is loaded, keeping the caller's interrupt status (a wait
     * here is short).
     */
    public static void ensureLoaded() throws Exception {
        if (!loaded) {
            load();
        }
    }

    private static synchronized void load() throws Exception {
        if (loaded) {
            return;
        }
        FutureTask<Boolean> loading = new FutureTask<>(SQLiteJDBCLoader::initialize);
        Thread loader = new Thread(loading, "filelock-sqlite-loader");
        loader.setDaemon(true);
        loader.start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    loading.get();
                    loaded = true;
                    return;
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
                catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
