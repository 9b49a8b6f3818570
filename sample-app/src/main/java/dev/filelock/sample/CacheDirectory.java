package dev.filelock.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of the shared cache directory: {@code artifacts/} holds complete artifacts
 * only, {@code partial/} the downloads in progress (moved into {@code artifacts/}
 * atomically when complete), {@code locks/} the lock files and {@code fetches.log} one
 * line per download from the origin.
 */
final class CacheDirectory {

    private final Path root;

    CacheDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(artifacts());
            Files.createDirectories(partials());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(
                    "Cannot create the cache directory " + this.root + " (sample.cache-directory): " + ex.getMessage(),
                    ex);
        }
    }

    Path root() {
        return this.root;
    }

    Path artifacts() {
        return this.root.resolve("artifacts");
    }

    Path partials() {
        return this.root.resolve("partial");
    }

    Path fetchLog() {
        return this.root.resolve("fetches.log");
    }

    Path artifact(ArtifactName name) {
        return artifacts().resolve(name.value());
    }

}
