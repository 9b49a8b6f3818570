package dev.filelock.internal.readwrite;

import dev.filelock.LockMode;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The exceptions a read/write lock throws for misuse, with messages that name the path
 * and say what went wrong.
 */
final class ReadWriteMessages {

    private ReadWriteMessages() {
    }

    static IllegalStateException upgrade(Path path) {
        return new IllegalStateException("Cannot acquire the write lock on '" + path
                + "': already holding a read lock (upgrade not allowed); release the read lock first.");
    }

    static IllegalStateException downgrade(Path path) {
        return new IllegalStateException("Cannot acquire the read lock on '" + path
                + "': already holding a write lock (downgrade not allowed); release the write lock first.");
    }

    static IllegalStateException heldElsewhere(Path path, LockMode held, LockMode wanted) {
        return new IllegalStateException(
                "Cannot acquire the " + name(wanted) + " lock on '" + path + "': this thread holds its " + name(held)
                        + " lock through another lock object and would wait for itself forever.");
    }

    static IllegalStateException closed(Path path) {
        return new IllegalStateException("The read/write lock on '" + path + "' is closed.");
    }

    private static String name(LockMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

}
