package dev.filelock;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a lock was not acquired in time: the timeout elapsed, the lock is
 * non-blocking and was busy, or the cancel check asked to stop (Python's
 * {@code filelock.Timeout}).
 *
 * @since 0.1
 */
public class FileLockTimeoutException extends FileLockException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for the given lock path, with the message
     * {@code The file lock '<path>' could not be
     * acquired.}
     * @param path the lock path
     */
    public FileLockTimeoutException(Path path) {
        super(path, "The file lock '" + path + "' could not be acquired.", null);
    }

    /**
     * Creates the exception for the given lock path with a message that says more (how
     * long it waited, the mode, who holds the lock).
     * @param path the lock path
     * @param message the full message
     * @param cause the timeout this one explains further, or {@code null}
     */
    public FileLockTimeoutException(Path path, String message, @Nullable Throwable cause) {
        super(path, message, cause);
    }

}
