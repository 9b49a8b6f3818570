package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The few libc calls the native lock needs, bound with JNA direct mapping (about half the
 * cost of interface mapping), plus the platform's flag and errno values.
 */
public final class Posix {

    public static final int LOCK_SH = 1;

    public static final int LOCK_EX = 2;

    public static final int LOCK_NB = 4;

    public static final int LOCK_UN = 8;

    public static final int O_RDONLY = 0;

    public static final int O_WRONLY = 1;

    public static final int O_RDWR = 2;

    public static final int O_NOFOLLOW;

    public static final int O_CLOEXEC;

    public static final int O_CREAT;

    public static final int O_EXCL;

    public static final int O_DIRECTORY;

    public static final int O_NONBLOCK;

    public static final int RLIMIT_NOFILE;

    public static final int ENOENT = 2;

    public static final int EINTR = 4;

    public static final int EACCES = 13;

    public static final int EEXIST = 17;

    public static final int ENOTDIR = 20;

    public static final int EISDIR = 21;
    static final int EINVAL = 22;

    public static final int ENFILE = 23;

    public static final int EMFILE = 24;

    public static final int EWOULDBLOCK;

    public static final int ELOOP;

    public static final int ENAMETOOLONG;

    public static final int ENOSYS;

    public static final int EOPNOTSUPP;

    static final StatLayout STAT_LAYOUT;

    static {
        if (Platform.isMac()) {
            O_NOFOLLOW = 0x100;
            O_CLOEXEC = 0x1000000;
            O_CREAT = 0x200;
            O_EXCL = 0x800;
            O_DIRECTORY = 0x100000;
            O_NONBLOCK = 0x4;
            RLIMIT_NOFILE = 8;
            EWOULDBLOCK = 35;
            ELOOP = 62;
            ENAMETOOLONG = 63;
            ENOSYS = 78;
            EOPNOTSUPP = 102;
            STAT_LAYOUT = new StatLayout(4, 8);
        }
        else {
            O_NOFOLLOW = Platform.isARM() ? 0x8000 : 0x20000;
            O_CLOEXEC = 0x80000;
            O_CREAT = 0x40;
            O_EXCL = 0x80;
            O_DIRECTORY = Platform.isARM() ? 0x4000 : 0x10000;
            O_NONBLOCK = 0x800;
            RLIMIT_NOFILE = 7;
            EWOULDBLOCK = 11;
            ELOOP = 40;
            ENAMETOOLONG = 36;
            ENOSYS = 38;
            EOPNOTSUPP = 95;
            STAT_LAYOUT = new StatLayout(8, 8);
        }
        try {
            Native.register(Platform.C_LIBRARY_NAME);
        }
        catch (IllegalCallerException denied) {
            throw NativeAccess.denied(denied);
        }
        catch (LinkageError failed) {
            throw NativeAccess.rethrow(failed);
        }
    }

    private Posix() {
    }

    public static native int open(byte[] path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /**
     * {@code read(2)}; {@code size_t}/{@code ssize_t} as {@code long}, as on every
     * supported (64-bit) platform.
     */
    public static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

    /** {@code getrlimit(2)}: {@code limits} receives the soft and the hard limit. */
    public static native int getrlimit(int resource, long[] limits) throws LastErrorException;

    public static native int flock(int fd, int operation) throws LastErrorException;

    public static native int fchmod(int fd, int mode) throws LastErrorException;

    /** {@code openat(2)}; the mode is read only with {@code O_CREAT}. */
    public static native int openat(int directoryFd, byte[] name, int flags, int mode) throws LastErrorException;

    public static native int mkdirat(int directoryFd, byte[] name, int mode) throws LastErrorException;

    public static native long readlinkat(int directoryFd, byte[] name, byte[] target, long size)
            throws LastErrorException;

    public static native long write(int fd, byte[] bytes, long count) throws LastErrorException;

    public static native int gethostname(byte[] name, int length) throws LastErrorException;

    /**
     * A NUL-terminated copy of the path in the file system's encoding, as {@code open(2)}
     * expects.
     */
    public static byte[] cString(Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    /**
     * Returns a number of the {@code unix} attribute view; the JDK fills every attribute
     * asked for, so a missing one is a bug.
     * @param attributes what {@code Files.readAttributes(path, "unix:...")} returned
     * @param name the attribute, such as {@code dev}
     * @return its value
     * @throws IllegalStateException if the attribute is missing (the message names it)
     */
    public static long unixAttribute(Map<String, Object> attributes, String name) {
        Object value = attributes.get(name);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new IllegalStateException("the unix attribute view returned no '" + name + "' number: " + value);
    }

    /** The identity (device, inode) of an open descriptor. */
    public static FileIdentity identity(int fd) {
        byte[] buffer = new byte[StatCalls.BUFFER_SIZE];
        StatCalls.INSTANCE.statDescriptor(fd, buffer);
        return STAT_LAYOUT.identity(buffer);
    }

    /**
     * The identity of the entry {@code name} of an open directory, without following a
     * symbolic link there.
     */
    public static FileIdentity identityAt(int directoryFd, byte[] name) {
        byte[] buffer = new byte[StatCalls.BUFFER_SIZE];
        StatCalls.INSTANCE.statAt(directoryFd, name, buffer);
        return STAT_LAYOUT.identity(buffer);
    }

    /** A NUL-terminated copy of one file name in the file system's encoding. */
    public static byte[] cString(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    /**
     * The identity of what the path names now, without following a symbolic link at the
     * path itself.
     * @param statBuffer scratch space of {@link StatCalls#BUFFER_SIZE} bytes, which a
     * caller that never runs concurrently with itself can reuse (an uncontended acquire
     * then allocates no buffer)
     */
    public static FileIdentity identity(byte[] cPath, byte[] statBuffer) {
        StatCalls.INSTANCE.statPath(cPath, statBuffer);
        return STAT_LAYOUT.identity(statBuffer);
    }

    /**
     * Where {@code st_dev} and {@code st_ino} sit in this platform's {@code struct stat}.
     */
    record StatLayout(int deviceSize, int inodeOffset) {

        private static final VarHandle LONG_AT = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.nativeOrder());

        private static final VarHandle INT_AT = MethodHandles.byteArrayViewVarHandle(int[].class,
                ByteOrder.nativeOrder());

        FileIdentity identity(byte[] statBuffer) {
            return new FileIdentity(device(statBuffer), inode(statBuffer));
        }

        long device(byte[] statBuffer) {
            return deviceSize == 8 ? (long) LONG_AT.get(statBuffer, 0) : (int) INT_AT.get(statBuffer, 0);
        }

        long inode(byte[] statBuffer) {
            return (long) LONG_AT.get(statBuffer, inodeOffset);
        }
    }

    /** A file's identity on this host. */
    public record FileIdentity(long device, long inode) {
    }

}
