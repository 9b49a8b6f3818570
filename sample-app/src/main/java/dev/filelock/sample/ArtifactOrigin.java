package dev.filelock.sample;

import java.io.IOException;
import java.io.OutputStream;

/** Where missing artifacts are downloaded from: stands in for a remote server such as a model hub. */
public interface ArtifactOrigin {

    /**
     * Streams an artifact's bytes, as slowly as the simulated network is.
     *
     * @param name the artifact
     * @param out where to write it; not closed
     * @throws ArtifactNotFoundException if the origin has no such artifact
     * @throws IOException if reading or writing fails, or the thread is interrupted
     */
    void download(ArtifactName name, OutputStream out) throws IOException;
}
