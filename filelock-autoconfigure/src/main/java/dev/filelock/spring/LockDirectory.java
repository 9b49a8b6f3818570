package dev.filelock.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The directory that confines lock keys: turns a key into the canonical path of its lock file and refuses every key
 * that would lead outside ({@code ..} segments, absolute paths elsewhere, symbolic links pointing out). Keys often come
 * from request data, so this is a security boundary.
 */
final class LockDirectory {

    private final Path given;

    private final Path root;

    LockDirectory(Path directory) {
        this.given = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.given);
            this.root = this.given.toRealPath();
        }
        catch (IOException | SecurityException ex) {
            throw new IllegalArgumentException(
                    "Lock directory '" + directory + "' cannot be created or resolved: " + ex, ex);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' is not a directory");
        }
    }

    /** The real path of the directory. */
    Path root() {
        return this.root;
    }

    /**
     * Returns the canonical path of the key's lock file: the directory's real path followed by the key's segments,
     * with symbolic links inside the directory resolved.
     */
    Path resolve(Object key) {
        String text = keyText(key);
        Path relative = relativeSegments(key, text);
        Path current = this.root;
        for (Path segment : relative) {
            String name = segment.toString();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                throw refused(key, "has a '..' segment");
            }
            current = current.resolve(name);
            if (Files.isSymbolicLink(current)) {
                current = followInside(key, current);
            }
        }
        if (current.equals(this.root)) {
            throw refused(key, "names the lock directory itself, not a file in it");
        }
        return current;
    }

    /** The key as shown in listings: the canonical path relative to the directory, with '/' separators. */
    String displayKey(Path canonical) {
        return this.root.relativize(canonical).toString().replace(canonical.getFileSystem().getSeparator(), "/");
    }

    private static String keyText(Object key) {
        if (key instanceof String text) {
            return text;
        }
        if (key instanceof Path path) {
            return path.toString();
        }
        throw new IllegalArgumentException("Lock key must be a String or a Path, got " + key.getClass().getName()
                + " '" + key + "'");
    }

    private Path relativeSegments(Object key, String text) {
        if (text.isBlank()) {
            throw refused(key, "is empty");
        }
        Path path;
        try {
            path = Path.of(text);
        }
        catch (InvalidPathException ex) {
            throw refused(key, "is not a valid path (" + ex.getReason() + ")");
        }
        if (!path.isAbsolute()) {
            return path;
        }
        for (Path segment : path) {
            if (segment.toString().equals("..")) {
                throw refused(key, "has a '..' segment");
            }
        }
        if (path.startsWith(this.root)) {
            return this.root.relativize(path);
        }
        if (path.startsWith(this.given)) {
            return this.given.relativize(path);
        }
        throw refused(key, "is an absolute path outside the lock directory");
    }

    private Path followInside(Object key, Path link) {
        Path target;
        try {
            target = link.toRealPath();
        }
        catch (IOException ex) {
            throw refused(key, "goes through the symbolic link '" + link + "' whose target cannot be resolved");
        }
        if (!target.startsWith(this.root)) {
            throw refused(key, "goes through the symbolic link '" + link + "' that leads out of it to '" + target + "'");
        }
        return target;
    }

    private IllegalArgumentException refused(Object key, String reason) {
        return new IllegalArgumentException(
                "Lock key '" + key + "' " + reason + "; keys must name a file inside the lock directory '" + this.root
                        + "'");
    }
}
