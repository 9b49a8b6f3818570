package dev.filelock.spring;

import dev.filelock.LockHold;
import java.util.OptionalLong;

/**
 * A hold of a lock whose store can take it away (a lease that lapses) and that may number
 * its acquisitions (fencing tokens); the holds of {@link LockRegistryBackend} are such
 * holds.
 *
 * @since 0.1
 */
public interface FencedLockHold extends LockHold {

    /**
     * Returns the fencing token of the acquisition: larger than the token of every
     * earlier acquisition of the same key, so that a storage system can refuse the writes
     * of a holder whose lease has since lapsed.
     * @return the token, or empty when the backend does not number its acquisitions
     */
    OptionalLong fencingToken();

    /**
     * Tells whether this JVM still believes it holds the lock: not released, and its
     * lease (if any) not lost.
     * @return whether the lock is still held
     */
    boolean isHeld();

}
