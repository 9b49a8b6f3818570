package dev.filelock;

/** Which OS-level mechanism an exclusive lock uses; lock objects of different kinds on one path are separate entries. */
enum LockKind {
    /** {@code flock(2)} (Windows: a byte-range lock on byte 0). */
    NATIVE,
    /** An {@code O_EXCL} marker file. */
    SOFT
}
