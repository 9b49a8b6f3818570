package dev.filelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Coordination between sibling child JVMs through files in a shared directory, for
 * children that meet each other rather than their parent (Spring applications taking
 * turns at a lock); the parent reads the same files.
 */
public final class Signals {

    private Signals() {
    }

    /**
     * Appends one line; a small append is atomic on a local filesystem, so lines of
     * several JVMs never interleave.
     * @param file the file, created if missing
     * @param line the line, without terminator
     * @throws UncheckedIOException if it cannot be written
     */
    public static void append(Path file, String line) {
        try {
            Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Reads the lines appended so far.
     * @param file the file
     * @return its lines, none if it does not exist
     * @throws UncheckedIOException if it cannot be read
     */
    public static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Waits in a child JVM until every named file exists (a start barrier between
     * processes).
     * @param files the files
     * @throws InterruptedException if interrupted while waiting
     */
    public static void awaitFiles(Path... files) throws InterruptedException {
        while (!allExist(files)) {
            Thread.sleep(5);
        }
    }

    private static boolean allExist(Path... files) {
        for (Path file : files) {
            if (!Files.exists(file)) {
                return false;
            }
        }
        return true;
    }

}
