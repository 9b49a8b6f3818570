package dev.filelock.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The shared record of downloads from the origin, a tab-separated file in the cache
 * directory that every instance appends to and reads; it is how "exactly once" is checked
 * across processes.
 */
final class FetchLog {

    private final Path file;

    FetchLog(Path file) {
        this.file = file;
    }

    /**
     * Appends one download. Called under the artifact's write lock; lines of different
     * artifacts may be appended at the same time, which is safe because each line is one
     * small write to a file opened in append mode.
     */
    void append(Fetch fetch) throws IOException {
        String line = String.join("\t", fetch.at().toString(), fetch.artifact(), fetch.instance(),
                Long.toString(fetch.bytes()), Long.toString(fetch.millis())) + "\n";
        Files.write(this.file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Returns every download so far, oldest first. */
    List<Fetch> fetches() throws IOException {
        try {
            return Files.readAllLines(this.file, StandardCharsets.UTF_8)
                .stream()
                .filter((line) -> !line.isBlank())
                .map(Fetch::parse)
                .toList();
        }
        catch (NoSuchFileException ex) {
            return List.of();
        }
    }

    /** Returns the downloads of one artifact, oldest first. */
    List<Fetch> fetches(ArtifactName name) throws IOException {
        return fetches().stream().filter((fetch) -> fetch.artifact().equals(name.value())).toList();
    }

    /** Returns the number of downloads per artifact, sorted by name. */
    Map<String, Long> countsByArtifact() throws IOException {
        return fetches().stream().collect(Collectors.groupingBy(Fetch::artifact, TreeMap::new, Collectors.counting()));
    }

    /**
     * One download from the origin.
     *
     * @param at when it completed
     * @param artifact the artifact name
     * @param instance the instance that downloaded it
     * @param bytes its size
     * @param millis how long it took
     */
    record Fetch(Instant at, String artifact, String instance, long bytes, long millis) {

        static Fetch parse(String line) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 5) {
                throw new IllegalStateException("Malformed fetch log line: " + line);
            }
            return new Fetch(Instant.parse(fields[0]), fields[1], fields[2], Long.parseLong(fields[3]),
                    Long.parseLong(fields[4]));
        }
    }

}
