package dev.filelock.benchmarks;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.file.Path;

/**
 * The anchors' own libc binding: direct-mapped JNA ({@code Native.register}), the
 * cheapest way JNA calls {@code open}, {@code flock} and {@code close}; deliberately
 * independent of filelock-core's internals.
 *
 * <p>
 * Linux constants only: the benchmarks are defined for the Linux CI machine.
 */
public final class RawFlock {

    private static final int LOCK_SH = 1;

    private static final int LOCK_EX = 2;

    private static final int LOCK_NB = 4;

    private static final int LOCK_UN = 8;

    private static final int O_RDWR = 02;

    private static final int O_CREAT = 0100;

    private static final int O_CLOEXEC = 02000000;

    static {
        if (!Platform.isLinux()) {
            throw new IllegalStateException(
                    "The raw flock anchor uses Linux open(2) flags; run the benchmarks on Linux.");
        }
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private RawFlock() {
    }

    // open(2) is variadic; passing the mode as a fixed third int is how the x86-64 and
    // AArch64 Linux ABIs call it.
    private static native int open(String path, int flags, int mode);

    private static native int flock(int fd, int operation);

    private static native int close(int fd);

    /**
     * Opens the file for locking, creating it if needed.
     * @param path the lock file
     * @return the descriptor
     * @throws IllegalStateException if {@code open(2)} fails
     */
    public static int openLockFile(Path path) {
        int fd = open(path.toString(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            throw new IllegalStateException("open(" + path + ") failed, errno " + Native.getLastError());
        }
        return fd;
    }

    /**
     * Takes the exclusive lock without blocking and releases it at once: the anchor of an
     * uncontended acquire+release.
     * @param fd a descriptor from {@link #openLockFile(Path)}
     * @throws IllegalStateException if the lock is held elsewhere or a call fails
     */
    public static void tryLockAndUnlock(int fd) {
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            throw new IllegalStateException("flock(LOCK_EX|LOCK_NB) failed on fd " + fd);
        }
        unlock(fd);
    }

    /**
     * Takes the shared lock without blocking and releases it at once: the anchor of an
     * uncontended read acquire+release.
     * @param fd a descriptor from {@link #openLockFile(Path)}
     * @throws IllegalStateException if the lock is held exclusively elsewhere or a call
     * fails
     */
    public static void tryLockSharedAndUnlock(int fd) {
        if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
            throw new IllegalStateException("flock(LOCK_SH|LOCK_NB) failed on fd " + fd);
        }
        unlock(fd);
    }

    /** Blocks in the kernel until the exclusive lock is taken. */
    static void lock(int fd) {
        if (flock(fd, LOCK_EX) != 0) {
            throw new IllegalStateException("flock(LOCK_EX) failed on fd " + fd);
        }
    }

    static void unlock(int fd) {
        if (flock(fd, LOCK_UN) != 0) {
            throw new IllegalStateException("flock(LOCK_UN) failed on fd " + fd);
        }
    }

    /**
     * Closes a descriptor from {@link #openLockFile(Path)}.
     * @param fd the descriptor
     */
    public static void closeFd(int fd) {
        close(fd);
    }

}
