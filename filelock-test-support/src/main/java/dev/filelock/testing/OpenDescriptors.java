package dev.filelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The open file descriptors of this process, read from {@code /proc/self/fd}. */
public final class OpenDescriptors {

    private static final Path FD_DIR = Path.of("/proc/self/fd");

    private OpenDescriptors() {
    }

    /**
     * Counts this process's open descriptors.
     * @return the number of entries of {@code /proc/self/fd}, without the one used for
     * listing it
     */
    public static int count() {
        return targets().size();
    }

    /**
     * Lists the descriptors whose target is the given file or lies below the given
     * directory.
     * @param pathOrDirectory a file or directory
     * @return the targets of the matching descriptors
     */
    public static List<String> pointingAt(Path pathOrDirectory) {
        String prefix = pathOrDirectory.toAbsolutePath().normalize().toString();
        return targets().stream()
            .filter(t -> t.equals(prefix) || t.startsWith(prefix + "/") || t.equals(prefix + " (deleted)"))
            .toList();
    }

    /**
     * Lists the targets of this process's open descriptors.
     * @return one target per descriptor (a path, or a kernel object such as
     * {@code pipe:[123]})
     */
    public static List<String> targets() {
        try (Stream<Path> fds = Files.list(FD_DIR)) {
            return fds.map(OpenDescriptors::target).flatMap(Optional::stream).toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> target(Path fd) {
        try {
            return Optional.of(Files.readSymbolicLink(fd).toString());
        }
        catch (IOException closedWhileListing) {
            // the descriptor of the listing itself, already closed
            return Optional.empty();
        }
    }

}
