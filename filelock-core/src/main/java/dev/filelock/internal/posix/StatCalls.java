package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.Map;

/**
 * {@code fstat} and {@code lstat} through JNA: glibc exports them as symbols only since
 * 2.33 (older ones through {@code __fxstat64}), and macOS on Intel under {@code $INODE64}
 * names, so the binding is chosen when first used.
 */
public interface StatCalls {

    /** Larger than {@code struct stat} on every supported platform. */
    int BUFFER_SIZE = 256;

    StatCalls INSTANCE = load();

    void statDescriptor(int fd, byte[] statBuffer);

    void statPath(byte[] cPath, byte[] statBuffer);

    /** {@code fstatat(directoryFd, name, AT_SYMLINK_NOFOLLOW)}. */
    void statAt(int directoryFd, byte[] name, byte[] statBuffer);

    /** {@code AT_SYMLINK_NOFOLLOW}. */
    int AT_SYMLINK_NOFOLLOW = Platform.isMac() ? 0x20 : 0x100;

    private static StatCalls load() {
        try {
            return new Modern();
        }
        catch (UnsatisfiedLinkError | NoClassDefFoundError missingSymbol) {
            return new LegacyGlibc();
        }
    }

    /** {@code fstat}/{@code lstat} symbols (glibc 2.33 and later, musl, macOS). */
    final class Modern implements StatCalls {

        static {
            Map<String, Object> options = Platform.isMac() && !Platform.isARM()
                    ? Map.of(com.sun.jna.Library.OPTION_FUNCTION_MAPPER,
                            (com.sun.jna.FunctionMapper) (library, method) -> method.getName() + "$INODE64")
                    : Map.of();
            Native.register(Modern.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME, options));
        }

        private static native int fstat(int fd, byte[] statBuffer) throws LastErrorException;

        private static native int lstat(byte[] cPath, byte[] statBuffer) throws LastErrorException;

        private static native int fstatat(int directoryFd, byte[] name, byte[] statBuffer, int flags)
                throws LastErrorException;

        @Override
        public void statDescriptor(int fd, byte[] statBuffer) {
            fstat(fd, statBuffer);
        }

        @Override
        public void statPath(byte[] cPath, byte[] statBuffer) {
            lstat(cPath, statBuffer);
        }

        @Override
        public void statAt(int directoryFd, byte[] name, byte[] statBuffer) {
            fstatat(directoryFd, name, statBuffer, AT_SYMLINK_NOFOLLOW);
        }

    }

    /**
     * glibc before 2.33, which exports only the versioned
     * {@code __fxstat64}/{@code __lxstat64}.
     */
    final class LegacyGlibc implements StatCalls {

        /** {@code _STAT_VER}: 1 on x86-64, 0 on the generic (aarch64) ABI. */
        private static final int STAT_VERSION = Platform.isARM() ? 0 : 1;

        static {
            Native.register(LegacyGlibc.class, Platform.C_LIBRARY_NAME);
        }

        private static native int __fxstat64(int version, int fd, byte[] statBuffer) throws LastErrorException;

        private static native int __lxstat64(int version, byte[] cPath, byte[] statBuffer) throws LastErrorException;

        private static native int __fxstatat64(int version, int directoryFd, byte[] name, byte[] statBuffer, int flags)
                throws LastErrorException;

        @Override
        public void statDescriptor(int fd, byte[] statBuffer) {
            __fxstat64(STAT_VERSION, fd, statBuffer);
        }

        @Override
        public void statPath(byte[] cPath, byte[] statBuffer) {
            __lxstat64(STAT_VERSION, cPath, statBuffer);
        }

        @Override
        public void statAt(int directoryFd, byte[] name, byte[] statBuffer) {
            __fxstatat64(STAT_VERSION, directoryFd, name, statBuffer, AT_SYMLINK_NOFOLLOW);
        }

    }

}
