package dev.filelock.internal.soft;

import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.DescriptorChannel;
import dev.filelock.internal.DirectoryWalk;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.posix.FileTouch;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.ThisProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * File operations on the soft read/write lock's marker files: created exclusively with
 * mode 0600 and never through a symbolic link, read strictly, refreshed by their holder,
 * and evicted by anyone once stale.
 */
final class MarkerFiles {

    /**
     * Marks a name as housekeeping (a tombstone), which scans of the readers directory
     * ignore.
     */
    static final String BREAK_INFIX = ".break";

    private static final LinkOption[] NO_FOLLOW = { LinkOption.NOFOLLOW_LINKS };

    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private static final FileAttribute<?>[] OWNER_ONLY_FILE = {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };

    private static final FileAttribute<?>[] OWNER_ONLY_DIRECTORY = {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")) };

    private final Path lockPath;

    private final Duration staleThreshold;

    MarkerFiles(Path lockPath, Duration staleThreshold) {
        this.lockPath = lockPath;
        this.staleThreshold = staleThreshold;
    }

    /**
     * What a marker held when it was read; the record is empty when the content is
     * malformed.
     */
    record Snapshot(Optional<MarkerRecord> record, byte[] content, FileTime modified, @Nullable Object fileKey) {

        boolean isStale(Duration threshold, Instant now) {
            return Duration.between(modified.toInstant(), now).compareTo(threshold) > 0;
        }

        boolean isOwnedBy(MarkerRecord owner) {
            return record.isPresent() && record.get().hasToken(owner.token());
        }

        /** Same inode, same mtime and same bytes: nobody touched the file in between. */
        boolean isUnchangedIn(Snapshot later) {
            return Objects.equals(fileKey, later.fileKey) && modified.equals(later.modified)
                    && Arrays.equals(content, later.content);
        }
    }

    /**
     * Creates the marker exclusively (mode 0600), never through a symbolic link, and
     * writes the whole record.
     */
    void create(Path marker, MarkerRecord record) throws IOException {
        createExclusive(marker, record.toBytes(), ownerOnly(marker, OWNER_ONLY_FILE));
    }

    /**
     * Creates a file exclusively, never through a symbolic link, and writes all its
     * bytes; if the write fails the file is removed, since a half-written marker would
     * block everyone until it went stale.
     * @throws FileAlreadyExistsException if the name is taken
     */
    static void createExclusive(Path file, byte[] content, FileAttribute<?>... attributes) throws IOException {
        ConfinedRoot confined = ConfinedRoot.containing(file);
        uninterruptibly(() -> {
            // A failed create made nothing, so nothing is deleted then (a confined walk
            // that refused a link would
            // otherwise delete through it).
            WritableByteChannel created = confined != null
                    ? DescriptorChannel.createExclusive(confined, file, file, attributes.length > 0 ? 0600 : 0666)
                    : Files.newByteChannel(file, CREATE, attributes);
            try (WritableByteChannel channel = created) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
            catch (IOException | RuntimeException failed) {
                Files.deleteIfExists(file);
                throw failed;
            }
        });
    }

    /**
     * Creates the readers directory (mode 0700) if missing and checks that it is a real
     * directory.
     */
    void createDirectory(Path directory) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(directory, BasicFileAttributes.class, NO_FOLLOW);
        }
        catch (NoSuchFileException missing) {
            try {
                createDirectoryConfined(directory);
            }
            catch (FileAlreadyExistsException createdMeanwhile) {
                // checked below, whoever made it
            }
            attributes = Files.readAttributes(directory, BasicFileAttributes.class, NO_FOLLOW);
        }
        if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
            throw LockFailures.cannotLock(lockPath,
                    directory + " exists but is not a directory or is a symlink; refusing to use it", null);
        }
    }

    /**
     * Creates a directory (mode 0700), through the confined walk when it lies in a
     * {@link ConfinedRoot}.
     */
    private void createDirectoryConfined(Path directory) throws IOException {
        ConfinedRoot confined = ConfinedRoot.containing(directory);
        if (confined == null) {
            Files.createDirectory(directory, ownerOnly(directory, OWNER_ONLY_DIRECTORY));
            return;
        }
        try (DirectoryWalk.Parent parent = DirectoryWalk.openParent(confined, directory, lockPath)) {
            Posix.mkdirat(parent.fd(), parent.name(), 0700);
        }
        catch (com.sun.jna.LastErrorException e) {
            if (e.getErrorCode() == Posix.EEXIST) {
                throw new FileAlreadyExistsException(directory.toString());
            }
            throw new java.nio.file.FileSystemException(directory.toString(), null, e.getMessage());
        }
    }

    /**
     * Reads a marker without following links.
     * @return the snapshot, or empty if the marker does not exist
     * @throws FileLockException if it is a symbolic link
     */
    Optional<Snapshot> read(Path marker) throws IOException {
        Optional<BasicFileAttributes> attributes = attributesOf(marker);
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        BasicFileAttributes found = attributes.get();
        if (!found.isRegularFile()) {
            // A FIFO or directory is never opened (a FIFO would block); it counts as a
            // malformed marker.
            return Optional.of(new Snapshot(Optional.empty(), new byte[0], found.lastModifiedTime(), found.fileKey()));
        }
        byte[] content;
        try {
            content = LockFileReads.read(marker, MarkerRecord.MAX_SIZE + 1);
        }
        catch (NoSuchFileException gone) {
            return Optional.empty();
        }
        return Optional
            .of(new Snapshot(MarkerRecord.parse(content), content, found.lastModifiedTime(), found.fileKey()));
    }

    /** Sets the marker's modification time to now, without following links. */
    void touch(Path marker) throws IOException {
        FileTouch.touch(marker);
    }

    /**
     * Deletes the marker if it still carries the given record's token; a peer's marker is
     * left alone.
     */
    void deleteIfOwned(Path marker, MarkerRecord owner) throws IOException {
        Optional<Snapshot> current = read(marker);
        if (current.isPresent() && current.get().isOwnedBy(owner)) {
            Files.deleteIfExists(marker);
        }
    }

    /**
     * Removes the marker if it has not been refreshed within the stale threshold. A
     * well-formed marker is first renamed to a private tombstone and checked again: if
     * its holder refreshed it meanwhile it is put back.
     * @return whether the marker is gone
     */
    boolean evictIfStale(Path marker) throws IOException {
        Optional<Snapshot> before = read(marker);
        if (before.isEmpty()) {
            return true;
        }
        if (!before.get().isStale(staleThreshold, Instant.now())) {
            return false;
        }
        if (before.get().record().isEmpty()) {
            return deleteQuietly(marker);
        }
        Path tombstone = marker.resolveSibling(
                marker.getFileName() + BREAK_INFIX + "." + ThisProcess.PID + "." + MarkerRecord.randomHex());
        try {
            Files.move(marker, tombstone, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (NoSuchFileException goneMeanwhile) {
            return true;
        }
        catch (AtomicMoveNotSupportedException | FileAlreadyExistsException unexpected) {
            return false;
        }
        Optional<Snapshot> after = read(tombstone);
        if (after.isEmpty() || before.get().isUnchangedIn(after.get())) {
            Files.deleteIfExists(tombstone);
            return true;
        }
        // Its holder's heartbeat won the race: the marker is alive, so it goes back under
        // its name. Python leaves the
        // tombstone instead, which silently takes the lock away from a live holder.
        try {
            Files.move(tombstone, marker);
        }
        catch (FileAlreadyExistsException nameTakenMeanwhile) {
            // cannot restore; the tombstone is housekeeping and ignored by every scan
        }
        return false;
    }

    /**
     * Names in the readers directory that are not reader markers: hidden files and
     * tombstones.
     */
    static boolean isHousekeeping(String name) {
        return name.startsWith(".") || name.contains(BREAK_INFIX);
    }

    private Optional<BasicFileAttributes> attributesOf(Path marker) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(marker, BasicFileAttributes.class, NO_FOLLOW);
        }
        catch (NoSuchFileException missing) {
            return Optional.empty();
        }
        if (attributes.isSymbolicLink()) {
            throw LockFailures.cannotLock(lockPath, marker + " is a symbolic link; refusing to follow it", null);
        }
        return Optional.of(attributes);
    }

    private interface IoAction {

        void run() throws IOException;

    }

    /**
     * Runs a file channel operation with the thread's interrupt deferred. Channels are
     * interruptible: an interrupt (such as a cancelled asynchronous acquisition) would
     * close them mid-step and could leave a claim half made or make its cleanup fail; the
     * caller's wait notices the interrupt at its next pause instead.
     */
    private static void uninterruptibly(IoAction operation) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    operation.run();
                    return;
                }
                catch (ClosedByInterruptException interruptedMidway) {
                    interrupted |= Thread.interrupted();
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean deleteQuietly(Path marker) {
        try {
            Files.deleteIfExists(marker);
            return true;
        }
        catch (IOException notEmptyOrDenied) {
            return false;
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path path, FileAttribute<?>[] posixMode) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix") ? posixMode
                : new FileAttribute<?>[0];
    }

}
