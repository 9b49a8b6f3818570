package dev.filelock;

import java.nio.file.Path;

/**
 * Thrown when a lock cannot be used at all (bad path, permissions, I/O failure); the
 * message names path and reason.
 *
 * @since 0.1
 */
public class FileLockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The lock path as a string (a {@code Path} is not serializable). */
    private final String lockPath;

    /**
     * Creates an exception for the given lock path.
     * @param path the lock path
     * @param message the full message, which names the path and the reason
     * @param cause the underlying failure, or {@code null}
     */
    public FileLockException(Path path, String message, @org.jspecify.annotations.Nullable Throwable cause) {
        super(message, cause);
        this.lockPath = path.toString();
    }

    /**
     * Returns the path of the lock that failed.
     * @return the lock path
     */
    public Path path() {
        return Path.of(lockPath);
    }

}
