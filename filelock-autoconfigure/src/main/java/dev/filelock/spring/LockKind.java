package dev.filelock.spring;

/** Which lock a {@link LockBackend} takes for a key: the key's exclusive lock, or one side of its read/write lock. */
public enum LockKind {

    /** The key's exclusive lock ({@link dev.filelock.FileLock} or {@link dev.filelock.SoftFileLock} for files). */
    EXCLUSIVE,

    /** The shared side of the key's read/write lock: any number of readers, no writer. */
    READ,

    /** The exclusive side of the key's read/write lock: excludes readers and other writers. */
    WRITE;

    /**
     * Tells whether this kind is a side of a read/write lock.
     *
     * @return whether the kind is {@link #READ} or {@link #WRITE}
     */
    public boolean isReadWrite() {
        return this != EXCLUSIVE;
    }
}
