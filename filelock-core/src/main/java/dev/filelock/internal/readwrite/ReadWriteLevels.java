package dev.filelock.internal.readwrite;

import dev.filelock.LockMode;
import java.time.Instant;

/**
 * The levels one owner holds in one mode of a {@link ReadWriteEntry}. The entry keeps one
 * per holding owner and hands it to the holds and to the lock object, so that a nested
 * acquire or release counts here, under the entry's mutex, without looking the owner up.
 * Once the last level goes the count stays at zero and the object is never used again.
 */
final class ReadWriteLevels {

    final ReadWriteOwner owner;

    final LockMode mode;

    /** When the first level was taken: for diagnostics. */
    final Instant heldSince = Instant.now();

    /** Guarded by the entry's mutex. */
    int count = 1;

    ReadWriteLevels(ReadWriteOwner owner, LockMode mode) {
        this.owner = owner;
        this.mode = mode;
    }

    boolean isHeld() {
        return count > 0;
    }

}
