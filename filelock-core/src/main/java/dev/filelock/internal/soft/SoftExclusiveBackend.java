package dev.filelock.internal.soft;

import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.DescriptorChannel;
import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.posix.PosixModes;
import dev.filelock.internal.posix.ThisProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The soft lock: the lock is the existence of a file created with {@code O_CREAT|O_EXCL}
 * (never through a symbolic link) holding {@code <pid>\n<hostname>\n}, exactly as
 * Python's {@code SoftFileLock}, whose modification time is refreshed while held (see
 * {@link MarkerRefresher}). There is nothing to wait on in the kernel, so waiters poll.
 */
public final class SoftExclusiveBackend implements ExclusiveBackend {

    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    private final Path canonicalPath;

    public SoftExclusiveBackend(Path canonicalPath) {
        this.canonicalPath = canonicalPath;
    }

    @Override
    public @Nullable OsHold tryLock(ExclusiveRequest request) {
        Path lockPath = request.path();
        Duration lifetime = request.options().lifetime();
        if (lifetime != null) {
            new StaleMarkers(lockPath, canonicalPath).breakIfOlderThan(lifetime);
        }
        WritableByteChannel channel;
        try {
            channel = createMarker(request);
        }
        catch (FileAlreadyExistsException held) {
            StaleMarkers staleMarkers = new StaleMarkers(lockPath, canonicalPath);
            staleMarkers.refuseUnusable();
            staleMarkers.breakIfHolderIsGone();
            return null;
        }
        catch (NoSuchFileException parentPresentYetNoFile) {
            // FUSE, NFS and /proc can refuse a create with ENOENT although the directory
            // exists: count it as a failed
            // attempt, so that the caller's wait backs off and ends at its deadline
            // instead of spinning here.
            LOG.log(System.Logger.Level.DEBUG, "Creating {0} failed with ENOENT although its directory exists",
                    lockPath);
            return null;
        }
        catch (IOException e) {
            throw LockFailures.cannotLock(lockPath,
                    "the lock file cannot be created (" + LockFailures.describe(e) + ")", e);
        }
        Object fileKey = writeRecord(channel);
        // With a lifetime, age is the lock's expiry, so it must not be refreshed (as the
        // lifetime's Javadoc promises).
        MarkerRefresher.Refreshed heartbeat = lifetime == null && fileKey != null
                ? MarkerRefresher.keepFresh(canonicalPath, fileKey) : null;
        return new Marker(channel, fileKey, heartbeat);
    }

    /**
     * Creates the file exclusively: in a {@link ConfinedRoot} through the walk (which
     * creates missing directories itself), elsewhere with NIO, creating the parent
     * directory first if that is missing (once: a racing rmdir loses).
     */
    private WritableByteChannel createMarker(ExclusiveRequest request) throws IOException {
        ConfinedRoot confined = ConfinedRoot.containing(canonicalPath);
        if (confined != null) {
            return DescriptorChannel.createExclusive(confined, canonicalPath, request.path(),
                    request.options().hasExplicitFileMode() ? request.options().fileMode() : 0666);
        }
        try {
            return Files.newByteChannel(canonicalPath, CREATE_NEW, creationAttributes(request.options()));
        }
        catch (NoSuchFileException missing) {
            Path parent = canonicalPath.getParent();
            if (parent != null && Files.isDirectory(parent)) {
                throw missing;
            }
            createParent(request.path());
            return Files.newByteChannel(canonicalPath, CREATE_NEW, creationAttributes(request.options()));
        }
    }

    @Override
    public boolean canBlock() {
        return false;
    }

    @Override
    public OsHold lockBlocking(ExclusiveRequest request, KernelWaitGate gate) {
        throw new UnsupportedOperationException("soft locks are polled");
    }

    @Override
    public void unlock(OsHold hold) {
        Marker marker = (Marker) hold;
        if (marker.heartbeat != null) {
            marker.heartbeat.stop();
        }
        try {
            // Delete only our own file: if our lock was broken (lifetime), the file may
            // be a successor's. Compared while
            // our descriptor still pins the inode: once closed, a successor's new file
            // could reuse its number.
            Object current = Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
            if (marker.fileKey == null || marker.fileKey.equals(current)) {
                Files.deleteIfExists(canonicalPath);
            }
        }
        catch (IOException alreadyGone) {
            // broken by someone else: nothing to delete
        }
        finally {
            try {
                marker.channel.close();
            }
            catch (IOException ignored) {
                // the descriptor is gone either way
            }
        }
    }

    @Override
    public boolean hasReusableResources() {
        return false;
    }

    @Override
    public void close() {
    }

    private static FileAttribute<?>[] creationAttributes(LockOptions options) {
        if (!options.hasExplicitFileMode()) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixModes.toPermissions(options.fileMode())) };
    }

    private @Nullable Object writeRecord(WritableByteChannel channel) {
        byte[] record = (ThisProcess.PID + "\n" + ThisProcess.HOSTNAME + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(record);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            return Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        }
        catch (IOException e) {
            // The file exists, so the lock is ours; our open descriptor keeps peers on
            // this host from breaking it.
            return null;
        }
    }

    private void createParent(Path lockPath) {
        try {
            Files.createDirectories(canonicalPath.getParent());
        }
        catch (AccessDeniedException e) {
            throw LockFailures.cannotLock(lockPath, "its parent directory cannot be created (permission denied)", e);
        }
        catch (IOException e) {
            throw LockFailures.cannotLock(lockPath,
                    "its parent directory cannot be created (" + LockFailures.describe(e) + ")", e);
        }
    }

    /**
     * The file that makes the lock held, kept open for the whole hold as Python does, and
     * refreshed unless it has a lifetime.
     */
    private record Marker(WritableByteChannel channel, @Nullable Object fileKey,
            MarkerRefresher.@Nullable Refreshed heartbeat) implements OsHold {
    }

}
