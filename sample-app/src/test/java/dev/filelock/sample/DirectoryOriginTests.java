package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryOriginTests {

    @TempDir
    Path origin;

    @Test
    void servesTheFilesOfItsDirectory() throws IOException {
        byte[] content = new byte[3 * SlowNetwork.CHUNK_SIZE + 17];
        new SplittableRandom(1).nextBytes(content);
        Files.write(this.origin.resolve("weights.bin"), content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DirectoryOrigin(this.origin, new SlowNetwork(Duration.ZERO)).download(new ArtifactName("weights.bin"), out);
        assertThat(out.toByteArray()).isEqualTo(content);
    }

    @Test
    void hasOnlyItsRegularFiles() throws IOException {
        Files.createFile(this.origin.resolve("weights.bin"));
        Files.createDirectory(this.origin.resolve("folder"));
        DirectoryOrigin directory = new DirectoryOrigin(this.origin, new SlowNetwork(Duration.ZERO));
        assertThat(directory.has(new ArtifactName("weights.bin"))).isTrue();
        assertThat(directory.has(new ArtifactName("absent.bin"))).isFalse();
        assertThat(directory.has(new ArtifactName("folder"))).isFalse();
    }

    @Test
    void reportsAMissingFileAsAMissingArtifact() {
        DirectoryOrigin directory = new DirectoryOrigin(this.origin, new SlowNetwork(Duration.ZERO));
        assertThatExceptionOfType(ArtifactNotFoundException.class)
            .isThrownBy(() -> directory.download(new ArtifactName("absent.bin"), new ByteArrayOutputStream()))
            .withMessage("The origin has no artifact 'absent.bin'");
    }

    @Test
    void refusesAPathThatIsNotADirectory() throws IOException {
        Path file = Files.createFile(this.origin.resolve("file"));
        assertThatIllegalArgumentException().isThrownBy(() -> new DirectoryOrigin(file, new SlowNetwork(Duration.ZERO)))
            .withMessageContaining("sample.origin.directory")
            .withMessageContaining(file.toString());
    }

}
