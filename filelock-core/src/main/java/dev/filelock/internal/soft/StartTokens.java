package dev.filelock.internal.soft;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The start token Python filelock (3.29 and later) writes as the third line of a soft
 * lock record, so that a recycled pid is told apart from the process that wrote the
 * record. On Linux it is {@code (boot_id << 64) | starttime}: the boot id with its dashes
 * removed read as hexadecimal (0 if unreadable), and field 22 of
 * {@code /proc/<pid>/stat}. Elsewhere (macOS and Windows derive it from other clocks) no
 * token is known here, and only the pid is checked.
 */
final class StartTokens {

    /**
     * {@code starttime} is the 20th field after the command name's closing parenthesis.
     */
    private static final int STARTTIME_AFTER_COMMAND = 19;

    private static final BigInteger BOOT_ID = bootId();

    private StartTokens() {
    }

    /**
     * The current start token of a process, or empty when it is gone or this platform has
     * no {@code /proc}.
     */
    static Optional<BigInteger> of(long pid) {
        String stat;
        try {
            stat = readProcFile(Path.of("/proc", Long.toString(pid), "stat"));
        }
        catch (IOException | RuntimeException goneOrNoProc) {
            return Optional.empty();
        }
        int commandEnd = stat.lastIndexOf(')');
        if (commandEnd < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(commandEnd + 1).trim().split("\\s+");
        if (fields.length <= STARTTIME_AFTER_COMMAND) {
            return Optional.empty();
        }
        try {
            return Optional.of(BOOT_ID.shiftLeft(64).or(new BigInteger(fields[STARTTIME_AFTER_COMMAND])));
        }
        catch (NumberFormatException unexpected) {
            return Optional.empty();
        }
    }

    /**
     * {@code Files.readString} trusts the size procfs reports (zero) and can return a
     * truncated sysctl value.
     */
    private static String readProcFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static BigInteger bootId() {
        try {
            String id = readProcFile(Path.of("/proc/sys/kernel/random/boot_id"));
            return new BigInteger(id.strip().replace("-", ""), 16);
        }
        catch (IOException | RuntimeException noBootId) {
            return BigInteger.ZERO;
        }
    }

}
