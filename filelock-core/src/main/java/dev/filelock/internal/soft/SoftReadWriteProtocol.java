package dev.filelock.internal.soft;

import dev.filelock.FileLockException;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.posix.ThisProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk steps of Python's {@code SoftReadWriteLock} protocol for lock path
 * {@code P}, each one attempt under the {@code P.state} mutex: a reader claims
 * {@code P.readers/<32 hex>.<pid>} unless {@code P.write} exists; a writer claims
 * {@code P.write} (phase 1), then waits until no reader marker is left (phase 2). Stale
 * markers of crashed holders are evicted on the way. {@code P} itself is never created.
 */
final class SoftReadWriteProtocol {

    /** What a phase-2 check found. */
    enum Drain {

        /** No reader is left: the writer holds the lock. */
        DRAINED,
        /** Readers still hold, or the state mutex stayed busy: try again later. */
        WAIT,
        /**
         * Our write marker is gone or another's: it was evicted, and the claim must start
         * over.
         */
        CLAIM_LOST

    }

    /** What a heartbeat found. */
    enum Refresh {

        /** The marker was ours and is refreshed. */
        REFRESHED,
        /** The marker is missing, possibly for a moment while a peer checks it. */
        MISSING,
        /**
         * The marker now belongs to someone else or is unreadable as a record: our hold
         * is lost for good.
         */
        LOST

    }

    private final Path lockPath;

    private final Path writeMarker;

    private final Path readersDirectory;

    private final MarkerFiles files;

    private final StateMutex state;

    /**
     * @param canonicalPath the lock path whose siblings hold the markers
     * @param path the lock path as the user gave it, for messages
     */
    SoftReadWriteProtocol(Path canonicalPath, Path path, Duration staleThreshold, Duration pollInterval) {
        this.lockPath = path;
        this.writeMarker = sibling(canonicalPath, ".write");
        this.readersDirectory = sibling(canonicalPath, ".readers");
        this.files = new MarkerFiles(path, staleThreshold);
        this.state = new StateMutex(sibling(canonicalPath, ".state"), staleThreshold, pollInterval);
    }

    Path writeMarker() {
        return writeMarker;
    }

    /** A fresh reader marker name, {@code <32 hex>.<pid>} as Python names them. */
    Path newReaderMarker() {
        return readersDirectory.resolve(MarkerRecord.randomHex() + "." + ThisProcess.PID);
    }

    /**
     * One reader attempt: creates the reader marker unless a (live) writer marker exists.
     * @return whether the marker was created
     */
    boolean tryClaimRead(Path readerMarker, MarkerRecord record) {
        return underState(() -> {
            files.createDirectory(readersDirectory);
            if (!files.evictIfStale(writeMarker)) {
                return false;
            }
            files.create(readerMarker, record);
            return true;
        }, false);
    }

    /**
     * Phase 1 of a writer: creates the write marker, which stops new readers, unless one
     * exists.
     * @return whether the marker was created
     */
    boolean tryClaimWrite(MarkerRecord record) {
        return underState(() -> {
            files.createDirectory(readersDirectory);
            if (!files.evictIfStale(writeMarker)) {
                return false;
            }
            try {
                files.create(writeMarker, record);
                return true;
            }
            catch (FileAlreadyExistsException lostRace) {
                return false;
            }
        }, false);
    }

    /**
     * Phase 2 of a writer: evicts stale reader markers and checks whether any reader is
     * left.
     */
    Drain drainReaders(MarkerRecord writer) {
        return underState(() -> {
            Optional<MarkerFiles.Snapshot> claim = files.read(writeMarker);
            if (claim.isEmpty() || !claim.get().isOwnedBy(writer)) {
                // Python 3.28 would complete on a peer's marker here (fixed upstream in
                // 3.29, #571).
                return Drain.CLAIM_LOST;
            }
            files.createDirectory(readersDirectory);
            boolean readersLeft = false;
            for (Path reader : readerMarkers()) {
                readersLeft |= !files.evictIfStale(reader);
            }
            return readersLeft ? Drain.WAIT : Drain.DRAINED;
        }, Drain.WAIT);
    }

    /**
     * Deletes our marker unless a peer has evicted it and another holder's marker took
     * its name.
     */
    void release(Path marker, MarkerRecord record) {
        try {
            files.deleteIfOwned(marker, record);
        }
        catch (IOException e) {
            throw failure("cannot delete its marker", e);
        }
    }

    /**
     * A heartbeat: sets our marker's modification time to now if it is still ours; never
     * touches a peer's.
     */
    Refresh refresh(Path marker, MarkerRecord record) throws IOException {
        Optional<MarkerFiles.Snapshot> current = files.read(marker);
        if (current.isEmpty()) {
            return Refresh.MISSING;
        }
        if (!current.get().isOwnedBy(record)) {
            return Refresh.LOST;
        }
        files.touch(marker);
        return Refresh.REFRESHED;
    }

    private List<Path> readerMarkers() throws IOException {
        List<Path> readers = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(readersDirectory)) {
            for (Path entry : entries) {
                if (!MarkerFiles.isHousekeeping(entry.getFileName().toString())) {
                    readers.add(entry);
                }
            }
        }
        return readers;
    }

    private interface Step<T> {

        T run() throws IOException;

    }

    private <T> T underState(Step<T> step, T whenBusy) {
        try {
            StateMutex.@Nullable Entered entered = state.enter();
            if (entered == null) {
                return whenBusy;
            }
            try (entered) {
                return step.run();
            }
        }
        catch (IOException | UncheckedIOException e) {
            throw failure("I/O error on its marker files", e);
        }
    }

    private FileLockException failure(String reason, Exception cause) {
        // UncheckedIOException refuses a null cause; Throwable.getCause() in general may
        // return null.
        IOException io = cause instanceof UncheckedIOException unchecked ? Objects.requireNonNull(unchecked.getCause())
                : (IOException) cause;
        String file = io instanceof FileSystemException fse && fse.getFile() != null ? fse.getFile() + ": " : "";
        return LockFailures.cannotLock(lockPath, reason + " (" + file + LockFailures.describe(io) + ")", cause);
    }

    private static Path sibling(Path lockPath, String suffix) {
        return lockPath.resolveSibling(lockPath.getFileName() + suffix);
    }

}
