package dev.filelock.sample;

import java.io.InputStream;

/**
 * A complete artifact, opened for reading; the caller closes {@code content}.
 *
 * @param name the artifact
 * @param size its size in bytes
 * @param content its bytes, opened while the artifact's lock was held
 * @param fetched whether this request downloaded it from the origin (a cache miss)
 */
public record CachedArtifact(ArtifactName name, long size, InputStream content, boolean fetched) {
}
