package dev.filelock.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** The bytes the generating origin serves, computed in the test without delay. */
final class Artifacts {

    private Artifacts() {
    }

    static byte[] expected(String name, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try {
            new GeneratedOrigin(List.of(name), size, new SlowNetwork(Duration.ZERO)).download(new ArtifactName(name),
                    out);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

}
