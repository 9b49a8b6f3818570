package dev.filelock.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@link NativeCalls} through {@code java.lang.foreign} (Java 22+), about 0.5 µs cheaper
 * per call than JNA. errno is captured by the linker into a per-thread segment, so no call
 * allocates. Loaded by {@link NativeBinding} by name; its class initialization fails
 * (and JNA is used) when native access is denied or libc lacks a symbol.
 */
final class FfmCalls implements NativeCalls {

    private static final boolean MAC = System.getProperty("os.name", "").startsWith("Mac");

    private static final Linker LINKER = Linker.nativeLinker();

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO = CALL_STATE
        .varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle FLOCK = downcall("flock",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /**
     * {@code lstat}: a symbol since glibc 2.33 (older glibc fails here, and JNA's binding
     * handles it); macOS on Intel names the 64-bit-inode variant {@code lstat$INODE64}.
     */
    private static final MethodHandle LSTAT = downcall(isIntelMac() ? "lstat$INODE64" : "lstat",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    /**
     * One errno slot per thread, never freed before its thread ends (a few bytes each).
     */
    private static final ThreadLocal<MemorySegment> CALL_STATES = ThreadLocal
        .withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    FfmCalls() {
    }

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public int flock(int fd, int operation) {
        MemorySegment state = CALL_STATES.get();
        try {
            return (int) FLOCK.invokeExact(state, fd, operation) == 0 ? 0 : (int) ERRNO.get(state, 0L);
        }
        catch (Throwable impossible) {
            throw new AssertionError("flock's downcall threw", impossible);
        }
    }

    @Override
    public PathStat pathStat(byte[] cPath) {
        return new FfmPathStat(cPath);
    }

    @SuppressWarnings("restricted") // the reason for the class: JDK 24+ warns at run time unless native access is enabled
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        SymbolLookup libc = LINKER.defaultLookup();
        MemorySegment symbol = libc.find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    private static boolean isIntelMac() {
        return MAC && !"aarch64".equals(System.getProperty("os.arch"));
    }

    /**
     * The path and the {@code struct stat} in native memory owned by this object (freed
     * by the garbage collector with it).
     */
    private static final class FfmPathStat implements PathStat {

        private final MemorySegment path;

        private final MemorySegment stat;

        private final MemorySegment state;

        FfmPathStat(byte[] cPath) {
            Arena arena = Arena.ofAuto();
            this.path = arena.allocate(cPath.length);
            MemorySegment.copy(cPath, 0, path, ValueLayout.JAVA_BYTE, 0, cPath.length);
            this.stat = arena.allocate(StatCalls.BUFFER_SIZE, 8);
            this.state = arena.allocate(CALL_STATE);
        }

        @Override
        public int lstat() {
            try {
                return (int) LSTAT.invokeExact(state, path, stat) == 0 ? 0 : (int) ERRNO.get(state, 0L);
            }
            catch (Throwable impossible) {
                throw new AssertionError("lstat's downcall threw", impossible);
            }
        }

        @Override
        public long device() {
            // dev_t: 64 bits on Linux, 32 on macOS; st_ino follows at offset 8 on both.
            return MAC ? stat.get(ValueLayout.JAVA_INT, 0) : stat.get(ValueLayout.JAVA_LONG, 0);
        }

        @Override
        public long inode() {
            return stat.get(ValueLayout.JAVA_LONG, 8);
        }

    }

}
