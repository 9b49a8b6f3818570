package dev.filelock.internal.soft;

import dev.filelock.internal.posix.FileTouch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The heartbeat of every held {@code SoftFileLock} in the JVM: one daemon thread,
 * {@code filelock-soft-heartbeat}, sets the modification time of each held lock file
 * every {@link #INTERVAL}, so that no peer breaks a file refreshed within
 * {@link StaleMarkers#FRESHNESS} whatever its pid looks like from there (a holder in
 * another PID namespace). The thread starts with the first hold and ends one interval
 * after the last release; a hold costs one set insertion and removal, not a thread.
 */
final class MarkerRefresher {

    /**
     * How often held lock files are refreshed; well within
     * {@link StaleMarkers#FRESHNESS}.
     */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    private static final Set<Refreshed> HELD = ConcurrentHashMap.newKeySet();

    private static final AtomicBoolean RUNNING = new AtomicBoolean();

    private MarkerRefresher() {
    }

    /** A held lock file, refreshed until {@link #stop()}. */
    static final class Refreshed {

        private final Path file;

        private final Object fileKey;

        private Refreshed(Path file, Object fileKey) {
            this.file = file;
            this.fileKey = fileKey;
        }

        /**
         * Ends the refreshes; a refresh already under way touches the file at most once
         * more, if it is still ours.
         */
        void stop() {
            HELD.remove(this);
        }

        private void refresh() {
            try {
                // Only our own file: after a lifetime break the path may name a
                // successor's, whose age is its own.
                Object current = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
                if (Objects.equals(current, fileKey)) {
                    FileTouch.touch(file);
                }
            }
            catch (IOException | RuntimeException transientOrGone) {
                LOG.log(Level.DEBUG, "Heartbeat of " + file + " failed; retrying at the next beat", transientOrGone);
            }
        }

    }

    /**
     * Starts refreshing a freshly created lock file, identified by its {@code fileKey()}.
     */
    static Refreshed keepFresh(Path file, Object fileKey) {
        Refreshed refreshed = new Refreshed(file, fileKey);
        HELD.add(refreshed);
        if (RUNNING.compareAndSet(false, true)) {
            Thread beater = new Thread(MarkerRefresher::beat, "filelock-soft-heartbeat");
            beater.setDaemon(true);
            beater.start();
        }
        return refreshed;
    }

    private static void beat() {
        while (true) {
            LockSupport.parkNanos(INTERVAL.toNanos());
            Thread.interrupted(); // nobody may end the heartbeat but the last release
            if (HELD.isEmpty()) {
                RUNNING.set(false);
                // A hold registered meanwhile either started its own thread or relies on
                // this one carrying on.
                if (HELD.isEmpty() || !RUNNING.compareAndSet(false, true)) {
                    return;
                }
            }
            HELD.forEach(Refreshed::refresh);
        }
    }

}
