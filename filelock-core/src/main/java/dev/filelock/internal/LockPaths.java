package dev.filelock.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Validation and canonical form of lock paths. */
public final class LockPaths {

    private LockPaths() {
    }

    /** Rejects paths that can never name a lock file, before any file is touched. */
    public static Path validate(Path path) {
        Objects.requireNonNull(path, "path");
        if (path.toString().isEmpty()) {
            throw new IllegalArgumentException("The lock path must not be empty");
        }
        if (path.getFileName() == null) {
            throw new IllegalArgumentException("The lock path '" + path + "' names no file");
        }
        return path;
    }

    /**
     * Returns the real path of the parent directory plus the file name, creating missing
     * parent directories: every spelling of one lock file (relative, through a symlinked
     * directory) maps to one key, while a symbolic link at the lock file itself is not
     * followed (the backends refuse it). Inside a {@link ConfinedRoot} the parent is
     * resolved by the confined walk instead, which refuses links leading out.
     */
    public static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath();
        ConfinedRoot confined = ConfinedRoot.containing(absolute);
        if (confined != null) {
            try (DirectoryWalk.Parent walked = DirectoryWalk.openParent(confined, absolute, path)) {
                return walked.file();
            }
        }
        Path parent = absolute.getParent();
        try {
            if (parent == null) {
                return absolute;
            }
            Files.createDirectories(parent);
            return parent.toRealPath().resolve(absolute.getFileName().toString());
        }
        catch (IOException e) {
            throw LockFailures.cannotLock(path,
                    "its parent directory cannot be created or resolved (" + LockFailures.describe(e) + ")", e);
        }
    }

}
