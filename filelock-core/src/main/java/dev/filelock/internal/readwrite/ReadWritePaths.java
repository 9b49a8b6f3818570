package dev.filelock.internal.readwrite;

import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockPaths;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The canonical path of a read/write lock file; only metadata is looked at, the lock file
 * is never opened.
 */
public final class ReadWritePaths {

    private ReadWritePaths() {
    }

    /**
     * Returns the real path of the parent directory (created if missing) plus the file
     * name.
     * @throws FileLockException if the parent cannot be created, or the path is a
     * directory or a symbolic link
     */
    public static Path canonical(Path path) {
        Path canonical = LockPaths.canonical(path);
        if (Files.isDirectory(canonical, LinkOption.NOFOLLOW_LINKS)) {
            throw LockFailures.cannotLock(path, "it is a directory", null);
        }
        if (Files.isSymbolicLink(canonical)) {
            throw LockFailures.cannotLock(path,
                    "it is a symbolic link, and lock files are never followed through links", null);
        }
        return canonical;
    }

}
