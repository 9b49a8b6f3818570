package dev.filelock.internal.flock;

import java.nio.file.Path;

/**
 * The file system has no {@code flock} (ENOSYS, EOPNOTSUPP): the entry falls back to a
 * marker-file lock.
 */
public final class FlockUnsupportedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FlockUnsupportedException(Path path) {
        super("flock is not supported on the file system of '" + path + "'", null, false, false);
    }

}
