package dev.filelock;

import java.nio.file.Path;

/**
 * Thrown by {@code acquire} methods when the waiting thread is interrupted; the thread's
 * interrupt status is set again and nothing is held or left open.
 *
 * @since 0.1
 */
public class FileLockInterruptedException extends FileLockException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for the given lock path.
     * @param path the lock path
     * @param cause the interruption
     */
    public FileLockInterruptedException(Path path, InterruptedException cause) {
        super(path, "Interrupted while waiting for the file lock '" + path + "'.", cause);
    }

}
