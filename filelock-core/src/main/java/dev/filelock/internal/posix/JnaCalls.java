package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * {@link NativeCalls} through JNA direct mapping. {@code flock} is declared without
 * {@link LastErrorException}, so a refused attempt ({@code EWOULDBLOCK}) builds no
 * exception and stack trace: JNA saves errno after every direct call, and
 * {@link Native#getLastError()} reads it (JnaErrnoTests checks this on the JNA in use).
 */
final class JnaCalls implements NativeCalls {

    private JnaCalls() {
    }

    static NativeCalls load() {
        try {
            Native.register(Libc.class, Platform.C_LIBRARY_NAME);
        }
        catch (IllegalCallerException denied) {
            throw NativeAccess.denied(denied);
        }
        catch (LinkageError failed) {
            throw NativeAccess.rethrow(failed);
        }
        return new JnaCalls();
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public int flock(int fd, int operation) {
        return Libc.flock(fd, operation) == 0 ? 0 : Native.getLastError();
    }

    @Override
    public PathStat pathStat(byte[] cPath) {
        return new JnaPathStat(cPath);
    }

    /** The direct-mapped functions; declared without exceptions. */
    private static final class Libc {

        private Libc() {
        }

        static native int flock(int fd, int operation);

    }

    /** {@code lstat} through {@link StatCalls} (which knows glibc before 2.33). */
    private static final class JnaPathStat implements PathStat {

        private final byte[] cPath;

        private final byte[] buffer = new byte[StatCalls.BUFFER_SIZE];

        JnaPathStat(byte[] cPath) {
            this.cPath = cPath;
        }

        @Override
        public int lstat() {
            try {
                StatCalls.INSTANCE.statPath(cPath, buffer);
                return 0;
            }
            catch (LastErrorException e) {
                // rare (the file was deleted or replaced): the exception's cost does not
                // matter here
                return e.getErrorCode();
            }
        }

        @Override
        public long device() {
            return Posix.STAT_LAYOUT.device(buffer);
        }

        @Override
        public long inode() {
            return Posix.STAT_LAYOUT.inode(buffer);
        }

    }

}
