package dev.filelock;

import dev.filelock.internal.ConfinedRoot;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lock directory whose lock files are never reached through a symbolic link leading out
 * of it, for directories whose sub-paths come from untrusted input (the Spring
 * {@code FileLockRegistry} declares its directory). Once declared, every lock of this
 * JVM, of any kind and from any builder, whose path lies in the directory opens and
 * creates its files by walking from a descriptor opened on the directory, one segment at
 * a time with {@code O_NOFOLLOW}, on every open: symbolic links whose target stays inside
 * are followed by the walk itself, and one that leads out makes the lock fail with
 * {@link FileLockException} naming the link. A symbolic link at the lock file itself is
 * refused, as always.
 *
 * <p>
 * The declaration lasts for the JVM's lifetime and holds no descriptor between locks; the
 * directory's own path (up to and including its last segment, which must not be a
 * symbolic link) is trusted.
 *
 * @since 0.1
 */
public final class ConfinedDirectory {

    private static final Map<ConfinedRoot, ConfinedDirectory> DECLARED = new ConcurrentHashMap<>();

    private final ConfinedRoot root;

    private ConfinedDirectory(ConfinedRoot root) {
        this.root = root;
    }

    /**
     * Declares a directory confining for the rest of this JVM's life, creating it if
     * missing; declaring it again returns the same object.
     * @param directory the lock directory, in any spelling
     * @return the declared directory
     * @throws IllegalArgumentException if the directory cannot be created or resolved, or
     * is not a directory
     */
    public static ConfinedDirectory declare(Path directory) {
        return DECLARED.computeIfAbsent(ConfinedRoot.declare(directory), ConfinedDirectory::new);
    }

    /**
     * Returns the real path of the directory.
     * @return the directory's real path, as resolved when it was declared
     */
    public Path path() {
        return root.path();
    }

    @Override
    public String toString() {
        return root.toString();
    }

}
