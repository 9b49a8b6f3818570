package dev.filelock.internal.posix;

/**
 * The system calls of the uncontended native lock ({@code flock} and the {@code lstat} of
 * the path check), which report failure as an errno value instead of an exception: bound
 * through {@code java.lang.foreign} on Java 22+ (when the jar carries that binding and
 * native access is allowed) and through JNA direct mapping otherwise. Every other libc
 * call goes through {@link Posix} (JNA).
 */
public interface NativeCalls {

    /**
     * The binding of this JVM, chosen once at class initialization.
     */
    NativeCalls CURRENT = NativeBinding.choose();

    /**
     * The binding's name for diagnostics and tests: {@code ffm} or {@code jna}.
     */
    String name();

    /**
     * {@code flock(2)} on a descriptor.
     * @return 0 on success, otherwise the errno value (never negative)
     */
    int flock(int fd, int operation);

    /**
     * Prepares repeated {@code lstat} calls on one path; the returned object is not
     * thread-safe and its owner must confine it (for example under a monitor).
     * @param cPath the NUL-terminated path ({@link Posix#cString(java.nio.file.Path)})
     */
    PathStat pathStat(byte[] cPath);

    /**
     * Repeated {@code lstat} of one path (a symbolic link at the path is not followed)
     * into a buffer kept for that purpose, so a call allocates nothing.
     */
    interface PathStat {

        /**
         * Runs {@code lstat}; {@link #device()} and {@link #inode()} read its result.
         * @return 0 on success, otherwise the errno value
         */
        int lstat();

        /** {@code st_dev} of the last successful {@link #lstat()}. */
        long device();

        /** {@code st_ino} of the last successful {@link #lstat()}. */
        long inode();

    }

}
