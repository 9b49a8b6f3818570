package dev.filelock.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * An origin that serves a fixed catalogue of names: pseudo-random bytes derived from the
 * name, so every download is identical. A fixed catalogue keeps remote clients from
 * making the cache store (and lock) one file per name they invent.
 */
final class GeneratedOrigin implements ArtifactOrigin {

    private final Set<String> names;

    private final long size;

    private final SlowNetwork network;

    /**
     * Creates the origin.
     * @throws IllegalArgumentException if the catalogue is empty or holds a name that is
     * not a valid artifact name
     */
    GeneratedOrigin(List<String> names, long size, SlowNetwork network) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("sample.origin.artifacts is empty: the generated origin would serve "
                    + "nothing; list at least one name, such as model.bin");
        }
        this.names = new LinkedHashSet<>();
        for (String name : names) {
            try {
                this.names.add(new ArtifactName(name.strip()).value());
            }
            catch (InvalidArtifactNameException ex) {
                throw new IllegalArgumentException("sample.origin.artifacts: " + ex.getMessage(), ex);
            }
        }
        this.size = size;
        this.network = network;
    }

    @Override
    public boolean has(ArtifactName name) {
        return this.names.contains(name.value());
    }

    @Override
    public void download(ArtifactName name, OutputStream out) throws IOException {
        if (!has(name)) {
            throw new ArtifactNotFoundException(name);
        }
        SplittableRandom random = new SplittableRandom(name.value().hashCode());
        byte[] chunk = new byte[SlowNetwork.CHUNK_SIZE];
        for (long written = 0; written < this.size; written += chunk.length) {
            this.network.awaitChunk(this.size);
            random.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(chunk.length, this.size - written));
        }
    }

    @Override
    public String toString() {
        return "generated artifacts of " + this.size + " bytes: " + String.join(", ", this.names);
    }

}
