package dev.filelock;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process as marker files record it: its pid and the host name Python's {@code socket.gethostname()} returns. */
final class LocalProcess {

    /** The current process id. */
    static final long PID = ProcessHandle.current().pid();

    /** The kernel's node name, so that Python peers on this host see the same name in our records. */
    static final String HOSTNAME = readHostname();

    private LocalProcess() {}

    /** Tells whether a process with this pid runs on this host ({@code kill(pid, 0)} as Python probes it). */
    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String readHostname() {
        // socket.gethostname() is uname(2)'s nodename, which Linux exposes here; InetAddress may instead return a
        // resolved (possibly fully qualified) name that a Python peer would not recognise as its own.
        try {
            String nodename = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
            if (!nodename.isEmpty()) {
                return nodename;
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException unresolvable) {
            return "localhost";
        }
    }
}
