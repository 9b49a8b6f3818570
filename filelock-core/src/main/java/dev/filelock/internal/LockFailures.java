package dev.filelock.internal;

import dev.filelock.FileLockException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Builds the exceptions that explain why a lock file cannot be used. */
public final class LockFailures {

    private LockFailures() {
    }

    public static FileLockException cannotLock(Path path, String reason, @Nullable Throwable cause) {
        return new FileLockException(path, "Cannot lock '" + path + "': " + reason, cause);
    }

    /**
     * A short reason for an I/O failure, without repeating the path the message already
     * names.
     */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException exists) {
            return "'" + exists.getFile() + "' exists and is not a directory";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }

}
