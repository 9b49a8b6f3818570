package dev.filelock.internal.posix;

import com.sun.jna.LastErrorException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * This process's pid and host name as Python's filelock records them
 * ({@code os.getpid()}, {@code gethostname()}).
 */
public final class ThisProcess {

    public static final long PID = ProcessHandle.current().pid();

    public static final String HOSTNAME = hostname();

    private ThisProcess() {
    }

    private static String hostname() {
        try {
            byte[] buffer = new byte[256];
            Posix.gethostname(buffer, buffer.length);
            int length = 0;
            while (length < buffer.length && buffer[length] != 0) {
                length++;
            }
            return new String(buffer, 0, length, StandardCharsets.UTF_8);
        }
        catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError noLibc) {
            try {
                return InetAddress.getLocalHost().getHostName();
            }
            catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }

}
