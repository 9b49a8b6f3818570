package dev.filelock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/** Path checks of the read/write locks; they only look at metadata and never open the lock file. */
final class ReadWritePaths {

    private ReadWritePaths() {
    }

    /** Rejects a null or empty path at once. */
    static Path validate(Path path) {
        Objects.requireNonNull(path, "path");
        if (path.toString().isEmpty() || path.getFileName() == null) {
            throw new IllegalArgumentException("The lock path must name a file, got '" + path + "'.");
        }
        return path;
    }

    /**
     * Returns the real path of the parent directory (created if missing) plus the file name.
     *
     * @throws FileLockException if the parent cannot be created, or the path is a directory or a symbolic link
     */
    static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        Path canonical;
        try {
            Files.createDirectories(parent);
            canonical = parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new FileLockException(path,
                    "Cannot use the file lock '" + path + "': its directory cannot be created or read (" + e + ").", e);
        }
        if (Files.isDirectory(canonical, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileLockException(path, "Cannot use the file lock '" + path + "': it is a directory.", null);
        }
        if (Files.isSymbolicLink(canonical)) {
            throw new FileLockException(path, "Cannot use the file lock '" + path
                    + "': it is a symbolic link; give the path of the real file.", null);
        }
        return canonical;
    }
}
