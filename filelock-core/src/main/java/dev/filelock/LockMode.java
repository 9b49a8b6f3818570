package dev.filelock;

/**
 * The mode in which a read/write lock is held.
 *
 * @since 0.1
 */
public enum LockMode {

    /** Shared: any number of readers may hold the lock together, but no writer. */
    READ,

    /** Exclusive: one writer and nobody else. */
    WRITE

}
