package dev.filelock.sample;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The artifact cache shared by every instance: readers hold the artifact's READ lock, the
 * download holds its WRITE lock, so one process downloads while the others wait and then
 * read the complete file.
 *
 * <p>
 * Both methods lock {@code <name>.lock} under {@code filelock.directory}: on one path
 * WRITE excludes READ and WRITE and READ shares with READ, in every instance
 * ({@code flock} {@code LOCK_EX} / {@code LOCK_SH} with the default
 * {@code filelock.type=native}, so Python's {@code FileLock} and {@code flock -x} on that
 * file exclude both).
 */
@Service
public class ArtifactCache {

    private static final Logger logger = LoggerFactory.getLogger(ArtifactCache.class);

    private final CacheDirectory directory;

    private final ArtifactOrigin origin;

    private final FetchLog fetchLog;

    private final String instance;

    private final MeterRegistry meters;

    ArtifactCache(CacheDirectory directory, ArtifactOrigin origin, FetchLog fetchLog, SampleProperties properties,
            MeterRegistry meters) {
        this.directory = directory;
        this.origin = origin;
        this.fetchLog = fetchLog;
        this.instance = properties.instanceName();
        this.meters = meters;
    }

    /**
     * Opens the cached artifact, if it is complete; waits while another process downloads
     * it.
     * @param name the artifact
     * @return the opened artifact, or empty on a cache miss
     * @throws IOException if the file exists but cannot be read
     */
    @FileLocked(path = "#{#name.value()}.lock", mode = LockMode.READ)
    public Optional<CachedArtifact> find(ArtifactName name) throws IOException {
        return open(name, false);
    }

    /**
     * Downloads the artifact from the origin unless another process did so while this one
     * waited for the lock, and opens it.
     * @param name the artifact
     * @return the opened artifact
     * @throws ArtifactNotFoundException if the origin has no such artifact
     * @throws IOException if the download or the cache directory fails
     */
    @FileLocked(path = "#{#name.value()}.lock", mode = LockMode.WRITE)
    public CachedArtifact fetch(ArtifactName name) throws IOException {
        Optional<CachedArtifact> cached = open(name, false);
        if (cached.isPresent()) {
            return cached.get();
        }
        deleteAbandonedDownloads(name);
        logger.info("Fetching {} from the origin ({}) on instance {}", name, this.origin, this.instance);
        Instant start = Instant.now();
        long size = download(name);
        long millis = Duration.between(start, Instant.now()).toMillis();
        this.fetchLog.append(new FetchLog.Fetch(Instant.now(), name.value(), this.instance, size, millis));
        this.meters.counter("sample.artifact.fetches").increment();
        logger.info("Fetched {} from the origin on instance {}: {} bytes in {} ms", name, this.instance, size, millis);
        return open(name, true).orElseThrow(() -> new NoSuchFileException(this.directory.artifact(name).toString(),
                null, "vanished right after it was downloaded"));
    }

    /**
     * Downloads into a partial file, then moves the complete file into place in one step.
     */
    private long download(ArtifactName name) throws IOException {
        Path partial = Files.createTempFile(this.directory.partials(), name.value() + ".", ".part");
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                this.origin.download(name, out);
                out.flush();
                channel.force(true);
            }
            long size = Files.size(partial);
            Files.move(partial, this.directory.artifact(name), StandardCopyOption.ATOMIC_MOVE);
            return size;
        }
        finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Deletes partial files that a killed process left behind. Only the holder of the
     * artifact's write lock can be downloading it, so every partial file of this artifact
     * is abandoned (this is not done at startup, where another instance may be
     * downloading).
     */
    private void deleteAbandonedDownloads(ArtifactName name) throws IOException {
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(this.directory.partials(),
                (path) -> isPartialOf(path, name))) {
            for (Path partial : partials) {
                logger.info("Deleting {}, an interrupted download of {}", partial.getFileName(), name);
                Files.deleteIfExists(partial);
            }
        }
    }

    private static boolean isPartialOf(Path path, ArtifactName name) {
        String file = path.getFileName().toString();
        String prefix = name.value() + ".";
        // The random part of a temporary file name is digits only, so "a.bin" never
        // claims "a.bin.x.bin.1.part".
        return file.startsWith(prefix) && file.endsWith(".part")
                && file.substring(prefix.length(), file.length() - ".part".length())
                    .chars()
                    .allMatch(Character::isDigit);
    }

    private Optional<CachedArtifact> open(ArtifactName name, boolean fetched) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(this.directory.artifact(name), StandardOpenOption.READ);
        }
        catch (NoSuchFileException ex) {
            return Optional.empty();
        }
        try {
            // Complete files are never changed in place, so the opened file stays valid
            // after the lock is released.
            return Optional.of(new CachedArtifact(name, channel.size(), Channels.newInputStream(channel), fetched));
        }
        catch (IOException ex) {
            channel.close();
            throw ex;
        }
    }

}
