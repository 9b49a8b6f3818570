package dev.filelock.internal.soft;

import dev.filelock.internal.posix.ThisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The {@code
 *
<P>
 * .state} mutex that every check-and-claim step of the soft read/write protocol runs
 * under: a file created with {@code O_EXCL} holding {@code <pid>\n<hostname>\n}, as
 * Python's {@code SoftFileLock} writes it, and deleted at once.
 *
 * <p>
 * Unlike Python, whose wait for the state file has no bound, the wait honours the
 * caller's deadline, and a file left by a holder that died inside the microsecond-long
 * critical section is removed: at once when the holder was a dead process on this host,
 * otherwise once the file is older than the stale threshold, since no live holder keeps
 * it that long.
 */
final class StateMutex {

    private static final long FIRST_PAUSE_NANOS = 50_000;

    private static final long MAX_PAUSE_NANOS = 10_000_000;

    private final Path statePath;

    /**
     * Breaks abandoned state files the way soft locks break theirs (guarded, re-verified,
     * PID reuse considered).
     */
    private final StaleMarkers staleStates;

    private final Duration staleThreshold;

    private final Duration pollInterval;

    StateMutex(Path statePath, Duration staleThreshold, Duration pollInterval) {
        this.statePath = statePath;
        this.staleStates = StaleMarkers.ofUnrefreshed(statePath, statePath);
        this.staleThreshold = staleThreshold;
        this.pollInterval = pollInterval;
    }

    /** The held mutex; closing it deletes the state file if it is still ours. */
    final class Entered implements AutoCloseable {

        private final @Nullable Object fileKey;

        private Entered(@Nullable Object fileKey) {
            this.fileKey = fileKey;
        }

        @Override
        public void close() throws IOException {
            // If a peer broke our file (we stalled beyond the stale threshold) and took
            // the mutex, its file stays.
            Object current;
            try {
                current = Files.readAttributes(statePath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            }
            catch (NoSuchFileException brokenAndReleased) {
                return;
            }
            if (Objects.equals(current, fileKey)) {
                Files.deleteIfExists(statePath);
            }
        }

    }

    /**
     * Enters the mutex, waiting at most one poll interval: live holders leave it within
     * microseconds, so a longer wait means a holder that is slow or gone, and the
     * caller's own wait decides whether to try again. That keeps the caller's timeout
     * honoured, unlike Python's unbounded wait here.
     * @return the held mutex, or null if it stayed busy or the thread was interrupted
     */
    @Nullable Entered enter() throws IOException {
        long patience = pollInterval.toNanos();
        long start = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            Optional<Entered> entered = tryEnter();
            if (entered.isPresent()) {
                return entered.get();
            }
            if (staleStates.breakIfHolderIsGone() || staleStates.breakIfOlderThan(staleThreshold)) {
                continue; // abandoned and removed: try again at once, however long
                          // breaking it took
            }
            long left = patience - (System.nanoTime() - start);
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return null;
            }
            LockSupport.parkNanos(this, Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    private Optional<Entered> tryEnter() throws IOException {
        byte[] record = (ThisProcess.PID + "\n" + ThisProcess.HOSTNAME + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            MarkerFiles.createExclusive(statePath, record);
        }
        catch (FileAlreadyExistsException held) {
            return Optional.empty();
        }
        catch (NoSuchFileException noParent) {
            Path parent = statePath.toAbsolutePath().getParent();
            if (parent == null || Files.isDirectory(parent)) {
                throw noParent;
            }
            Files.createDirectories(parent);
            return tryEnter();
        }
        Object fileKey = Files.readAttributes(statePath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .fileKey();
        return Optional.of(new Entered(fileKey));
    }

}
