package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Sets a file's times to "now" as Python's {@code os.utime(path)} does: {@code utimensat}
 * with no times, so that on NFS the server stamps its own clock, whatever the writer's
 * clock says; without a C library, the JVM's clock is written. A symbolic link at the
 * path is never followed.
 */
public final class FileTouch {

    private static final int ENOENT = 2;

    private static final boolean NATIVE = Libc.register();

    private FileTouch() {
    }

    /**
     * Tells whether times are set by {@code utimensat} (the file system's clock) rather
     * than from the JVM's clock.
     */
    public static boolean usesFileSystemClock() {
        return NATIVE;
    }

    public static void touch(Path file) throws IOException {
        if (NATIVE) {
            try {
                Libc.utimensat(Libc.AT_FDCWD, Posix.cString(file), null, Libc.AT_SYMLINK_NOFOLLOW);
                return;
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() == ENOENT) {
                    throw new NoSuchFileException(file.toString());
                }
                // anything else: let NIO try, and report its error
            }
        }
        FileTime now = FileTime.from(Instant.now());
        Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(now, now, null);
    }

    /**
     * The binding, in a class of its own so that a platform without it only loses the
     * native path.
     */
    private static final class Libc {

        static final int AT_FDCWD = Platform.isMac() ? -2 : -100;
        static final int AT_SYMLINK_NOFOLLOW = Platform.isMac() ? 0x20 : 0x100;

        static boolean register() {
            try {
                if (Platform.isWindows()) {
                    return false;
                }
                Native.register(Libc.class, Platform.C_LIBRARY_NAME);
                return true;
            }
            catch (UnsatisfiedLinkError | NoClassDefFoundError | IllegalArgumentException unavailable) {
                return false;
            }
        }

        static native int utimensat(int directory, byte[] path, @Nullable Pointer times, int flags)
                throws LastErrorException;

    }

}
