package dev.filelock.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** An origin that serves the files of a local directory. */
final class DirectoryOrigin implements ArtifactOrigin {

    private final Path directory;

    private final SlowNetwork network;

    DirectoryOrigin(Path directory, SlowNetwork network) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("sample.origin.directory '" + directory + "' is not a directory");
        }
        this.directory = directory;
        this.network = network;
    }

    @Override
    public boolean has(ArtifactName name) {
        return Files.isRegularFile(this.directory.resolve(name.value()));
    }

    @Override
    public void download(ArtifactName name, OutputStream out) throws IOException {
        Path file = this.directory.resolve(name.value());
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            byte[] chunk = new byte[SlowNetwork.CHUNK_SIZE];
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                this.network.awaitChunk(size);
                out.write(chunk, 0, read);
            }
        }
        catch (NoSuchFileException ex) {
            throw new ArtifactNotFoundException(name);
        }
    }

    @Override
    public String toString() {
        return "files of " + this.directory;
    }

}
