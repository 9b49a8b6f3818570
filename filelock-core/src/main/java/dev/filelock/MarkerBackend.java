package dev.filelock;

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
 * The soft lock: the lock is the existence of a file created with {@code O_CREAT|O_EXCL} (never through a symbolic
 * link) holding {@code <pid>\n<hostname>\n}, exactly as Python's {@code SoftFileLock}. There is nothing to wait on in
 * the kernel, so waiters poll.
 */
final class MarkerBackend implements LockBackend {

    private static final Set<OpenOption> CREATE_NEW = Set.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final Path canonicalPath;

    MarkerBackend(Path canonicalPath) {
        this.canonicalPath = canonicalPath;
    }

    @Override
    public @Nullable OsHold tryLock(LockRequest request) {
        Path lockPath = request.path();
        Duration lifetime = request.options().lifetime();
        if (lifetime != null) {
            new StaleMarkers(lockPath, canonicalPath).breakIfOlderThan(lifetime);
        }
        while (true) {
            WritableByteChannel channel;
            try {
                ConfinedDirectory confined = ConfinedDirectory.containing(canonicalPath);
                channel = confined != null
                        ? DescriptorChannel.createExclusive(confined, canonicalPath, lockPath,
                                request.options().hasExplicitFileMode() ? request.options().fileMode() : 0666)
                        : Files.newByteChannel(canonicalPath, CREATE_NEW, creationAttributes(request.options()));
            } catch (FileAlreadyExistsException held) {
                StaleMarkers staleMarkers = new StaleMarkers(lockPath, canonicalPath);
                staleMarkers.refuseUnusable();
                staleMarkers.breakIfHolderIsGone();
                return null;
            } catch (NoSuchFileException parentVanished) {
                createParent(lockPath);
                continue;
            } catch (IOException e) {
                throw LockFailures.cannotLock(lockPath, "the lock file cannot be created (" + LockFailures.describe(e) + ")", e);
            }
            return new Marker(channel, writeRecord(channel));
        }
    }

    @Override
    public boolean canBlock() {
        return false;
    }

    @Override
    public OsHold lockBlocking(LockRequest request, KernelWaitGate gate) {
        throw new UnsupportedOperationException("soft locks are polled");
    }

    @Override
    public void unlock(OsHold hold) {
        Marker marker = (Marker) hold;
        try {
            marker.channel.close();
        } catch (IOException ignored) {
            // the descriptor is gone either way
        }
        try {
            // Delete only our own file: if our lock was broken (lifetime), the file may be a successor's.
            Object current = Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (marker.fileKey == null || marker.fileKey.equals(current)) {
                Files.deleteIfExists(canonicalPath);
            }
        } catch (IOException alreadyGone) {
            // broken by someone else: nothing to delete
        }
    }

    @Override
    public boolean hasReusableResources() {
        return false;
    }

    @Override
    public void close() {}

    private static FileAttribute<?>[] creationAttributes(LockOptions options) {
        if (!options.hasExplicitFileMode()) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixModes.toPermissions(options.fileMode()))};
    }

    private @Nullable Object writeRecord(WritableByteChannel channel) {
        byte[] record = (ThisProcess.PID + "\n" + ThisProcess.HOSTNAME + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(record);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            return Files.readAttributes(canonicalPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            // The file exists, so the lock is ours; an empty record only means it can never be reclaimed as stale.
            return null;
        }
    }

    private void createParent(Path lockPath) {
        try {
            Files.createDirectories(canonicalPath.getParent());
        } catch (AccessDeniedException e) {
            throw LockFailures.cannotLock(lockPath, "its parent directory cannot be created (permission denied)", e);
        } catch (IOException e) {
            throw LockFailures.cannotLock(lockPath, "its parent directory cannot be created (" + LockFailures.describe(e) + ")", e);
        }
    }

    /** The file that makes the lock held, kept open for the whole hold as Python does. */
    private record Marker(WritableByteChannel channel, @Nullable Object fileKey) implements OsHold {}
}
