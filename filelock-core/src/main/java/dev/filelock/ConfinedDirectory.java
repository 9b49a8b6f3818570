package dev.filelock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A lock directory whose lock files are never reached through a symbolic link leading out of it, for directories whose
 * sub-paths come from untrusted input (the Spring {@code FileLockRegistry} declares its directory). Once declared,
 * every lock of this JVM, of any kind and from any builder, whose path lies in the directory opens and creates its
 * files by walking from a descriptor opened on the directory, one segment at a time with {@code O_NOFOLLOW}, on every
 * open: symbolic links whose target stays inside are followed by the walk itself, and one that leads out makes the lock
 * fail with {@link FileLockException} naming the link. A symbolic link at the lock file itself is refused, as always.
 *
 * <p>The declaration lasts for the JVM's lifetime and holds no descriptor between locks; the directory's own path (up
 * to and including its last segment, which must not be a symbolic link) is trusted.
 *
 * @since 0.1
 */
public final class ConfinedDirectory {

    private static final Map<Path, ConfinedDirectory> DECLARED = new ConcurrentHashMap<>();

    private final Path realPath;
    private final Path givenPath;
    private final byte[] cRealPath;

    private ConfinedDirectory(Path realPath, Path givenPath) {
        this.realPath = realPath;
        this.givenPath = givenPath;
        this.cRealPath = Posix.cString(realPath);
    }

    /**
     * Declares a directory confining for the rest of this JVM's life, creating it if missing; declaring it again
     * returns the same object.
     *
     * @param directory the lock directory, in any spelling
     * @return the declared directory
     * @throws IllegalArgumentException if the directory cannot be created or resolved, or is not a directory
     */
    public static ConfinedDirectory declare(Path directory) {
        Path given = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        Path real;
        try {
            Files.createDirectories(given);
            real = given.toRealPath();
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' cannot be created or resolved: " + e, e);
        }
        if (!Files.isDirectory(real)) {
            throw new IllegalArgumentException("Lock directory '" + directory + "' is not a directory");
        }
        ConfinedDirectory declared = DECLARED.computeIfAbsent(real, (key) -> new ConfinedDirectory(key, given));
        if (!given.equals(real)) {
            DECLARED.putIfAbsent(given, declared);
        }
        return declared;
    }

    /**
     * Returns the real path of the directory.
     *
     * @return the directory's real path, as resolved when it was declared
     */
    public Path path() {
        return realPath;
    }

    @Override
    public String toString() {
        return "ConfinedDirectory[" + realPath + "]";
    }

    /** The innermost declared directory that lexically contains the absolute path, or {@code null}: the common case. */
    static @Nullable ConfinedDirectory containing(Path path) {
        if (DECLARED.isEmpty()) {
            return null;
        }
        Path absolute = path.toAbsolutePath().normalize();
        for (Path ancestor = absolute.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            ConfinedDirectory found = DECLARED.get(ancestor);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The segments of a path inside this directory (any of its spellings), from the directory down to the file. */
    Path relativize(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(realPath) ? realPath.relativize(absolute) : givenPath.relativize(absolute);
    }

    /** Where a link target, absolute and normalized, lies inside this directory; {@code null} when outside. */
    @Nullable Path inside(Path absoluteTarget) {
        if (absoluteTarget.startsWith(realPath)) {
            return realPath.relativize(absoluteTarget);
        }
        if (absoluteTarget.startsWith(givenPath)) {
            return givenPath.relativize(absoluteTarget);
        }
        return null;
    }

    byte[] cRealPath() {
        return cRealPath;
    }
}
