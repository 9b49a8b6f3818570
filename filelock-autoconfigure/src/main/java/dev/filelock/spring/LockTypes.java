package dev.filelock.spring;

import dev.filelock.FileLockDiagnostics.LockType;
import java.util.List;

/** The lock types of the file backend, spelled as {@code filelock.type} spells them (tags, endpoint, docs). */
final class LockTypes {

    static final String NATIVE = "native";

    static final String SQLITE = "sqlite";

    static final String SOFT = "soft";

    static final String SOFT_READ_WRITE = "soft-read-write";

    /** Every type a lock of this JVM can have, whichever object took it. */
    static final List<String> FILE_TYPES = List.of(NATIVE, SQLITE, SOFT, SOFT_READ_WRITE);

    private LockTypes() {
    }

    /**
     * Both {@code flock} protocols are one type: a plain {@code FileLock} and the write side of a native read/write
     * lock exclude each other.
     */
    static String of(LockType type) {
        return switch (type) {
            case NATIVE, NATIVE_READ_WRITE -> NATIVE;
            case SQLITE_READ_WRITE -> SQLITE;
            case SOFT -> SOFT;
            case SOFT_READ_WRITE -> SOFT_READ_WRITE;
        };
    }
}
