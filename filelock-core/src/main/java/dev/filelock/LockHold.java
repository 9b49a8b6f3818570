package dev.filelock;

import java.nio.file.Path;

/**
 * One level of a held lock, released by {@link #close()}, for use in try-with-resources
 * (Python's {@code
 * AcquireReturnProxy}).
 *
 * @since 0.1
 */
public interface LockHold extends AutoCloseable {

    /**
     * Returns the path of the lock file this hold belongs to.
     * @return the lock path as given to the lock
     */
    Path path();

    /**
     * Releases this level of the lock; a second call does nothing, so one hold never
     * releases two levels.
     */
    @Override
    void close();

}
