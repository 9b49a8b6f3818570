package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * Wakes a thread blocked in a system call, the way the JDK interrupts blocking file I/O:
 * by sending it the JDK's own I/O-interrupt signal ({@code SIGRTMAX-2} on Linux), whose
 * handler does nothing and is installed without {@code SA_RESTART}, so the call returns
 * {@code EINTR}. Used only on Linux (64-bit glibc/musl layout of
 * {@code struct sigaction}) and only after checking that the handler is in place;
 * elsewhere {@link #AVAILABLE} is false and kernel waits simply run until the lock is
 * free.
 */
public final class ThreadSignals {

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    /**
     * The JDK's {@code INTERRUPT_SIGNAL} on Linux: {@code __SIGRTMAX - 2}
     * (sun/nio/ch/NativeThread.c).
     */
    private static final int JDK_INTERRUPT_SIGNAL = 64 - 2;

    private static final long SIG_DFL = 0;

    private static final long SIG_IGN = 1;

    private static final int SA_RESTART = 0x10000000;

    /**
     * {@code sa_flags} follows the handler (8 bytes) and the 1024-bit {@code sa_mask} on
     * 64-bit Linux.
     */
    private static final int SA_FLAGS_OFFSET = 8 + 128;

    private static final int SIGACTION_BUFFER_SIZE = 256;

    /**
     * Whether {@link #wake} can interrupt a blocked system call on this platform and JVM.
     */
    static final boolean AVAILABLE = detect();

    private ThreadSignals() {
    }

    /**
     * The calling thread's {@code pthread_t}, for {@link #wake}; 0 when signals are not
     * {@link #AVAILABLE}.
     */
    public static long currentThread() {
        return AVAILABLE ? Libc.pthread_self() : 0;
    }

    /**
     * Sends the interrupt signal to a thread, which makes a system call it is blocked in
     * return {@code EINTR}; a signal that arrives outside a system call runs the empty
     * handler and changes nothing.
     *
     * <p>
     * The caller must know that the thread is alive (a {@code pthread_t} of an ended
     * thread may be reused or freed).
     * @return whether the signal was sent
     */
    public static boolean wake(long pthread) {
        if (!AVAILABLE || pthread == 0) {
            return false;
        }
        try {
            // Checked again on every use: with the default action a real-time signal
            // would end the process.
            return handlerInterruptsCalls() && Libc.pthread_kill(pthread, JDK_INTERRUPT_SIGNAL) == 0;
        }
        catch (LastErrorException e) {
            return false;
        }
    }

    private static boolean detect() {
        if (!Platform.isLinux() || Native.POINTER_SIZE != 8 || !(Platform.isIntel() || Platform.isARM())) {
            return false;
        }
        try {
            // Its initialiser installs the JDK's empty handler (a JDK may already have
            // done so at start-up).
            Class.forName("sun.nio.ch.NativeThread", true, null);
        }
        catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.DEBUG, "sun.nio.ch.NativeThread is not available; kernel waits are not interrupted", e);
        }
        try {
            boolean usable = handlerInterruptsCalls();
            if (!usable) {
                LOG.log(Level.DEBUG,
                        "Signal {0} has no empty handler without SA_RESTART; kernel waits are not interrupted",
                        JDK_INTERRUPT_SIGNAL);
            }
            return usable;
        }
        catch (LinkageError | LastErrorException e) {
            LOG.log(Level.DEBUG, "pthread_kill/sigaction are not available; kernel waits are not interrupted", e);
            return false;
        }
    }

    private static boolean handlerInterruptsCalls() {
        Memory action = new Memory(SIGACTION_BUFFER_SIZE);
        action.clear();
        Libc.sigaction(JDK_INTERRUPT_SIGNAL, null, action);
        long handler = action.getLong(0);
        int flags = action.getInt(SA_FLAGS_OFFSET);
        return handler != SIG_DFL && handler != SIG_IGN && (flags & SA_RESTART) == 0;
    }

    /**
     * Bound apart from {@link Posix}, so that a libc without these functions only
     * disables the wake-up.
     */
    private static final class Libc {

        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        private Libc() {
        }

        static native int sigaction(int signal, @Nullable Pointer action, Pointer oldAction) throws LastErrorException;

        static native long pthread_self();

        /** Returns an error number (not errno): 0 on success. */
        static native int pthread_kill(long thread, int signal);

    }

}
