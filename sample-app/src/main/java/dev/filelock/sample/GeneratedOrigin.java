package dev.filelock.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

/** An origin that serves every name: pseudo-random bytes derived from the name, so every download is identical. */
final class GeneratedOrigin implements ArtifactOrigin {

    private final long size;

    private final SlowNetwork network;

    GeneratedOrigin(long size, SlowNetwork network) {
        this.size = size;
        this.network = network;
    }

    @Override
    public void download(ArtifactName name, OutputStream out) throws IOException {
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
        return "generated artifacts of " + this.size + " bytes";
    }
}
