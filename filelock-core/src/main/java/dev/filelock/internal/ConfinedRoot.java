package dev.filelock.internal;

import dev.filelock.internal.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The implementation of a declared {@code dev.filelock.ConfinedDirectory}: the
 * directory's real and given paths, found by every open of a lock file beneath it, so
 * that the open walks from the directory one segment at a time with {@code O_NOFOLLOW}
 * ({@link DirectoryWalk}).
 */
public final class ConfinedRoot {

    private static final Map<Path, ConfinedRoot> DECLARED = new ConcurrentHashMap<>();

    private final Path realPath;

    private final Path givenPath;

    private final byte[] cRealPath;

    private ConfinedRoot(Path realPath, Path givenPath) {
        this.realPath = realPath;
        this.givenPath = givenPath;
        this.cRealPath = Posix.cString(realPath);
    }

    /**
     * Declares a directory confining for the rest of this JVM's life, creating it if
     * missing; declaring it again (in any spelling) returns the same object.
     * @param directory the lock directory, in any spelling
     * @return the declared directory
     * @throws IllegalArgumentException if the directory cannot be created or resolved, or
     * is not a directory
     */
    public static ConfinedRoot declare(Path directory) {
        Path given = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        Path real;
        try {
            Files.createDirectories(given);
            real = given.toRealPath();
        }
        catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' cannot be created or resolved: " + e,
                    e);
        }
        if (!Files.isDirectory(real)) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' is not a directory");
        }
        ConfinedRoot declared = DECLARED.computeIfAbsent(real, (key) -> new ConfinedRoot(key, given));
        if (!given.equals(real)) {
            DECLARED.putIfAbsent(given, declared);
        }
        return declared;
    }

    /**
     * Returns the real path of the directory.
     * @return the directory's real path, as resolved when it was declared
     */
    public Path path() {
        return realPath;
    }

    @Override
    public String toString() {
        return "ConfinedDirectory[" + realPath + "]";
    }

    /**
     * The innermost declared directory that lexically contains the absolute path, or
     * {@code null}: the common case.
     */
    public static @Nullable ConfinedRoot containing(Path path) {
        if (DECLARED.isEmpty()) {
            return null;
        }
        Path absolute = path.toAbsolutePath().normalize();
        for (Path ancestor = absolute.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            ConfinedRoot found = DECLARED.get(ancestor);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * The segments of a path inside this directory (any of its spellings), from the
     * directory down to the file.
     */
    public Path relativize(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(realPath) ? realPath.relativize(absolute) : givenPath.relativize(absolute);
    }

    /**
     * Where a link target, absolute and normalized, lies inside this directory;
     * {@code null} when outside.
     */
    public @Nullable Path inside(Path absoluteTarget) {
        if (absoluteTarget.startsWith(realPath)) {
            return realPath.relativize(absoluteTarget);
        }
        if (absoluteTarget.startsWith(givenPath)) {
            return givenPath.relativize(absoluteTarget);
        }
        return null;
    }

    public byte[] cRealPath() {
        return cRealPath;
    }

}
