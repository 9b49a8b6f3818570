package dev.filelock.internal.flock;

import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.LockFailures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The native lock on Windows: an exclusive byte-range lock on byte 0, length 1
 * ({@code LockFileEx}, which is what a {@code FileChannel} lock is there), the range
 * Python's {@code msvcrt.locking} takes. Waiters poll.
 */
public final class ChannelExclusiveBackend implements ExclusiveBackend {

    private final Path canonicalPath;

    public ChannelExclusiveBackend(Path canonicalPath) {
        this.canonicalPath = canonicalPath;
    }

    @Override
    public @Nullable OsHold tryLock(ExclusiveRequest request) {
        FileChannel channel;
        try {
            channel = FileChannel.open(canonicalPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
        catch (IOException e) {
            throw LockFailures.cannotLock(request.path(),
                    "the lock file cannot be opened (" + LockFailures.describe(e) + ")", e);
        }
        try {
            FileLock lock = channel.tryLock(0, 1, false);
            if (lock != null) {
                return new ChannelHold(channel, lock);
            }
        }
        catch (IOException e) {
            closeQuietly(channel);
            throw LockFailures.cannotLock(request.path(), "the lock cannot be taken (" + LockFailures.describe(e) + ")",
                    e);
        }
        closeQuietly(channel);
        return null;
    }

    @Override
    public boolean canBlock() {
        return false;
    }

    @Override
    public OsHold lockBlocking(ExclusiveRequest request, KernelWaitGate gate) {
        throw new UnsupportedOperationException("Windows locks are polled");
    }

    @Override
    public void unlock(OsHold hold) {
        ChannelHold channelHold = (ChannelHold) hold;
        try {
            channelHold.lock().release();
        }
        catch (IOException ignored) {
            // closing the channel below releases it
        }
        closeQuietly(channelHold.channel());
    }

    @Override
    public boolean hasReusableResources() {
        return false;
    }

    @Override
    public void close() {
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing is held through it any more
        }
    }

    private record ChannelHold(FileChannel channel, FileLock lock) implements OsHold {
    }

}
