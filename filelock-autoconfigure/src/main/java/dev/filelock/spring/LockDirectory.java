package dev.filelock.spring;

import dev.filelock.ConfinedDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory that confines lock keys: turns a key into the canonical path of its lock
 * file and refuses every key that would lead outside ({@code ..} segments, absolute paths
 * elsewhere, symbolic links pointing out). Keys often come from request data, so this is
 * a security boundary. Resolving a key checks it once; the directory is also declared a
 * {@link ConfinedDirectory}, so that the core re-checks every segment on every open of a
 * lock file.
 */
final class LockDirectory {

    private final Path given;

    private final Path root;

    LockDirectory(Path directory) {
        this.given = directory.toAbsolutePath().normalize();
        if (Files.exists(this.given) && !Files.isDirectory(this.given)) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' is not a directory");
        }
        // Confined in the core: every open walks from the directory without following
        // links out of it, so a
        // directory swapped for a link after this class resolved a key cannot lead a lock
        // outside.
        this.root = ConfinedDirectory.declare(this.given).path();
    }

    /** The real path of the directory. */
    Path root() {
        return this.root;
    }

    /**
     * Returns the canonical path of the key's lock file: the directory's real path
     * followed by the key's segments, with symbolic links to directories inside the lock
     * directory resolved. A symbolic link at the lock file itself is refused, as the core
     * locks refuse it.
     */
    Path resolve(Object key) {
        List<String> names = segments(key, relativeSegments(key, keyText(key)));
        Path current = this.root;
        for (int i = 0; i < names.size(); i++) {
            Path next = current.resolve(names.get(i));
            boolean lockFile = i == names.size() - 1;
            if (Files.isSymbolicLink(next)) {
                if (lockFile) {
                    throw refused(key, "is a symbolic link; lock files are never followed through links");
                }
                next = followInside(key, next);
            }
            current = next;
        }
        if (Files.isDirectory(current)) {
            throw refused(key, "names a directory, not a lock file");
        }
        return current;
    }

    private List<String> segments(Object key, Path relative) {
        List<String> names = new ArrayList<>();
        for (Path segment : relative) {
            String name = segment.toString();
            if (name.equals("..")) {
                throw refused(key, "has a '..' segment");
            }
            if (!name.equals(".") && !name.isEmpty()) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw refused(key, "names the lock directory itself, not a file in it");
        }
        return names;
    }

    /**
     * Returns the key relative to the directory, with {@code /} separators, computed from
     * the text alone: the same template gives the same key on every host, whatever links
     * its lock directory holds (a key for a lock store, which never opens a file).
     * Refuses what {@link #resolve} refuses short of following links.
     */
    String lexicalKey(Object key) {
        return String.join("/", segments(key, relativeSegments(key, keyText(key))));
    }

    /**
     * The key as shown in listings: the canonical path relative to the directory, with
     * '/' separators.
     */
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
        throw new IllegalArgumentException("Lock key must be a String or a Path, got " + key.getClass().getName() + " '"
                + key + "': pass a String such as \"orders/42.lock\", or a Path inside the lock directory");
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
            throw refused(key, "goes through the symbolic link '" + link
                    + "', which points outside the lock directory (to '" + target + "')");
        }
        return target;
    }

    private IllegalArgumentException refused(Object key, String reason) {
        return new IllegalArgumentException("Lock key '" + key + "' " + reason
                + "; keys must name a file inside the lock directory '" + this.root + "'");
    }

}
