package dev.filelock.internal;

import dev.filelock.Ownership;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** The options a lock object was built with. */
public record LockOptions(Duration timeout, boolean blocking, Duration pollInterval, int fileMode, Ownership ownership,
        @Nullable BooleanSupplier cancelCheck, @Nullable Duration lifetime) {

    /**
     * The file mode meaning "0666 filtered by the umask", as Python's
     * {@code _UNSET_FILE_MODE}.
     */
    public static final int UNSET_FILE_MODE = -1;

    public boolean hasExplicitFileMode() {
        return fileMode != UNSET_FILE_MODE;
    }
}
