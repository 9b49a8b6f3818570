package dev.filelock.internal.soft;

import dev.filelock.internal.posix.ThisProcess;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content of a soft read/write marker file, {@code <token>\n<pid>\n<hostname>\n},
 * byte for byte as Python's {@code SoftReadWriteLock} writes it, and the strict parser
 * both languages apply to foreign markers.
 *
 * @param token 32 lowercase hex digits, fresh for every acquisition
 * @param pid the holder's process id
 * @param hostname the holder's host name
 */
public record MarkerRecord(String token, long pid, String hostname) {

    /** Markers larger than this are malformed (and never read further). */
    public static final int MAX_SIZE = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    // Anything else, including a leading zero, a pid above 2^31-1, a space in the host
    // name or non-ASCII bytes, is
    // malformed; trailing newlines are tolerated as Python tolerates them.
    private static final Pattern FORMAT = Pattern
        .compile("([0-9a-f]{32})\n([1-9][0-9]{0,9})\n([\\x21-\\x7e]{1,253})\n*");

    /** A record for this process with a fresh random token. */
    public static MarkerRecord forThisProcess() {
        return new MarkerRecord(randomHex(), ThisProcess.PID, ThisProcess.HOSTNAME);
    }

    /**
     * 128 random bits as 32 lowercase hex digits (Python's
     * {@code secrets.token_hex(16)}).
     */
    static String randomHex() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    /** Parses a marker's bytes; empty when they are not exactly a well-formed record. */
    public static Optional<MarkerRecord> parse(byte[] content) {
        if (content.length == 0 || content.length > MAX_SIZE) {
            return Optional.empty();
        }
        for (byte b : content) {
            if (b < 0) {
                return Optional.empty();
            }
        }
        Matcher matcher = FORMAT.matcher(new String(content, StandardCharsets.US_ASCII));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long pid = Long.parseLong(matcher.group(2));
        if (pid > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new MarkerRecord(matcher.group(1), pid, matcher.group(3)));
    }

    /** The bytes written to a new marker. */
    public byte[] toBytes() {
        return (token + "\n" + pid + "\n" + hostname + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Compares tokens in constant time, so a peer cannot learn a token by timing our
     * checks.
     */
    boolean hasToken(String expected) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                expected.getBytes(StandardCharsets.US_ASCII));
    }
}
