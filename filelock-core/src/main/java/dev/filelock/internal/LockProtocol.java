package dev.filelock.internal;

/**
 * The on-disk protocol of a lock, named as {@code filelock.type} and the diagnostics name
 * it; lock objects of different protocols on one path are separate entries.
 */
public enum LockProtocol {

    /** {@code flock(2)} (Windows: a byte-range lock on byte 0), exclusive or shared. */
    NATIVE("native"),
    /** SQLite transactions on the lock file, Python's {@code ReadWriteLock}. */
    SQLITE("sqlite"),
    /** One marker file created with {@code O_EXCL}, Python's {@code SoftFileLock}. */
    SOFT("soft"),
    /** Marker files next to the lock path, Python's {@code SoftReadWriteLock}. */
    SOFT_READ_WRITE("soft-read-write");

    private final String value;

    LockProtocol(String value) {
        this.value = value;
    }

    /**
     * Returns the protocol's name in the project's vocabulary.
     * @return {@code native}, {@code sqlite}, {@code soft} or {@code soft-read-write}
     */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

}
