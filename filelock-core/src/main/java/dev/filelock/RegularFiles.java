package dev.filelock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads small files that must be regular files (lock records) without ever blocking or following a link: the path is
 * classified with {@code lstat} first, so a FIFO, socket or device is never opened; the open itself uses {@code
 * O_NONBLOCK | O_NOFOLLOW} and the descriptor is checked with {@code fstat}, so a FIFO swapped in between cannot stall
 * the reader either.
 */
final class RegularFiles {

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final boolean NATIVE = Libc.register();

    private RegularFiles() {}

    /**
     * Reads at most {@code limit} bytes of a regular file.
     *
     * @return the bytes, or empty when the path is missing, unreadable, or not a regular file (then nothing was opened)
     */
    static Optional<byte[]> readAtMost(Path file, int limit) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
        } catch (IOException missingOrDenied) {
            return Optional.empty();
        }
        return NATIVE ? readNonBlocking(file, limit) : readThroughNio(file, limit);
    }

    private static Optional<byte[]> readNonBlocking(Path file, int limit) {
        int fd;
        try {
            fd = Posix.open(Posix.cString(file), Libc.O_NONBLOCK | Posix.O_NOFOLLOW | Posix.O_CLOEXEC);
        } catch (LastErrorException goneOrDenied) {
            return Optional.empty();
        }
        try {
            byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];
            StatCalls.INSTANCE.statDescriptor(fd, statBuffer);
            if ((Libc.mode(statBuffer) & S_IFMT) != S_IFREG) {
                return Optional.empty();
            }
            byte[] content = new byte[limit];
            int length = 0;
            while (length < limit) {
                byte[] chunk = new byte[limit - length];
                long read = Libc.read(fd, chunk, chunk.length);
                if (read <= 0) {
                    break;
                }
                System.arraycopy(chunk, 0, content, length, (int) read);
                length += (int) read;
            }
            return Optional.of(Arrays.copyOf(content, length));
        } catch (LastErrorException unreadable) {
            return Optional.empty();
        } finally {
            try {
                Posix.close(fd);
            } catch (LastErrorException ignored) {
                // the descriptor is released by close(2) even when it reports an error
            }
        }
    }

    /** Without a C library (Windows) there are no FIFOs to fear at a lock path: the lstat above is the whole check. */
    private static Optional<byte[]> readThroughNio(Path file, int limit) {
        ByteBuffer buffer = ByteBuffer.allocate(limit);
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // a record may arrive in several pieces over NFS
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(buffer.array(), buffer.position()));
    }

    /** {@code read(2)}, {@code O_NONBLOCK} and where {@code st_mode} sits, in a class of their own (Windows lacks them). */
    private static final class Libc {

        static final int O_NONBLOCK = Platform.isMac() ? 0x4 : 0x800;
        /** {@code st_mode}: a 16-bit field at 4 on macOS; on Linux after dev, ino (and nlink on x86-64). */
        private static final int MODE_OFFSET = Platform.isMac() ? 4 : Platform.isARM() ? 16 : 24;

        static boolean register() {
            try {
                if (Platform.isWindows()) {
                    return false;
                }
                Native.register(Libc.class, Platform.C_LIBRARY_NAME);
                return true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalArgumentException unavailable) {
                return false;
            }
        }

        static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

        static int mode(byte[] statBuffer) {
            ByteBuffer buffer = ByteBuffer.wrap(statBuffer).order(ByteOrder.nativeOrder());
            return Platform.isMac() ? Short.toUnsignedInt(buffer.getShort(MODE_OFFSET)) : buffer.getInt(MODE_OFFSET);
        }
    }
}
