package dev.filelock.sample;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where missing artifacts are downloaded from: stands in for a remote server such as a
 * model hub.
 */
public interface ArtifactOrigin {

    /**
     * Whether the origin has the artifact; asked before any lock is taken, so that a name
     * it lacks costs no lock file, no connection and no registry entry, whoever sends it.
     * @param name the artifact
     * @return whether {@link #download} would find it
     */
    boolean has(ArtifactName name);

    /**
     * Streams an artifact's bytes, as slowly as the simulated network is.
     * @param name the artifact
     * @param out where to write it; not closed
     * @throws ArtifactNotFoundException if the origin has no such artifact
     * @throws IOException if reading or writing fails, or the thread is interrupted
     */
    void download(ArtifactName name, OutputStream out) throws IOException;

}
