package dev.filelock.internal;

/** Which OS-level mechanism an exclusive lock uses; lock objects of different kinds on one path are separate entries. */
public enum LockProtocol {
    /** {@code flock(2)} (Windows: a byte-range lock on byte 0). */
    NATIVE,
    /** An {@code O_EXCL} marker file. */
    SOFT
}
