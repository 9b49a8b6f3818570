package dev.filelock.internal;

import com.sun.jna.LastErrorException;
import dev.filelock.internal.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;

/**
 * A write-only channel over a native descriptor opened by the confined walk (the JDK
 * cannot wrap a raw descriptor).
 */
public final class DescriptorChannel implements WritableByteChannel {

    private final int fd;

    private boolean open = true;

    DescriptorChannel(int fd) {
        this.fd = fd;
    }

    @Override
    public synchronized int write(ByteBuffer source) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        byte[] bytes = new byte[source.remaining()];
        source.duplicate().get(bytes);
        while (true) {
            try {
                int written = (int) Posix.write(fd, bytes, bytes.length);
                source.position(source.position() + written);
                return written;
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw new IOException("write failed: " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            try {
                Posix.close(fd);
            }
            catch (LastErrorException e) {
                // EIO from FUSE or NFS: the descriptor is released either way
            }
        }
    }

    /**
     * Creates {@code file} exclusively through the confined walk and returns a channel on
     * it.
     * @throws java.nio.file.FileAlreadyExistsException if the name is taken
     * @throws IOException for any other failure of the final {@code openat}
     */
    public static DescriptorChannel createExclusive(ConfinedRoot directory, java.nio.file.Path file,
            java.nio.file.Path lockPath, int mode) throws IOException {
        try {
            return new DescriptorChannel(DirectoryWalk.createExclusive(directory, file, lockPath, mode));
        }
        catch (LastErrorException e) {
            if (e.getErrorCode() == Posix.EEXIST) {
                throw new java.nio.file.FileAlreadyExistsException(file.toString());
            }
            if (e.getErrorCode() == Posix.EACCES) {
                throw new java.nio.file.AccessDeniedException(file.toString());
            }
            throw new java.nio.file.FileSystemException(file.toString(), null,
                    e.getErrorCode() == Posix.ELOOP ? "it is a symbolic link" : e.getMessage());
        }
    }

}
