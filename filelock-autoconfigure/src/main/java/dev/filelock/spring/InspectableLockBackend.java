package dev.filelock.spring;

import dev.filelock.FileLockDiagnostics;
import java.nio.file.Path;

/**
 * A {@link LockBackend} whose locks are files that other processes lock too
 * ({@link FileLockRegistry}): the {@code
 * filelocks} endpoint shows what other processes hold on a key's file and can force this
 * JVM's holds to end. Backends over a lock store (a database) do not implement it: their
 * other holders are rows, not processes of this host.
 *
 * @since 0.1
 */
public interface InspectableLockBackend extends LockBackend {

    /**
     * Returns the real path of the lock directory.
     * @return the directory under which keys are resolved
     */
    Path directory();

    /**
     * Looks at a key's lock file from the outside without locking, waiting or creating
     * anything, and without opening a file whose POSIX lock this JVM holds (closing any
     * descriptor of it would drop that lock).
     * @param key the lock key
     * @return what other processes hold on the key's file
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     */
    FileLockDiagnostics.Probe probe(String key);

    /**
     * Releases every hold this JVM has on a key's lock and wakes the threads waiting for
     * it: an operator's last resort.
     * @param lockKey the lock key
     * @return whether anything was held and is now released
     * @throws IllegalArgumentException if the key is refused (the message names the key)
     */
    boolean forceRelease(Object lockKey);

}
