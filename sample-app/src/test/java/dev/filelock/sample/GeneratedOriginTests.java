package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedOriginTests {

    private final GeneratedOrigin origin = new GeneratedOrigin(List.of("model.bin", " tokenizer.json"), 1000,
            new SlowNetwork(Duration.ZERO));

    @Test
    void hasOnlyTheNamesOfItsCatalogue() {
        assertThat(this.origin.has(new ArtifactName("model.bin"))).isTrue();
        assertThat(this.origin.has(new ArtifactName("tokenizer.json"))).isTrue();
        assertThat(this.origin.has(new ArtifactName("model.bin.bak"))).isFalse();
        assertThat(this.origin.toString()).endsWith("model.bin, tokenizer.json");
    }

    @Test
    void servesTheSameBytesForEveryDownloadOfAName() throws IOException {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        this.origin.download(new ArtifactName("model.bin"), first);
        this.origin.download(new ArtifactName("model.bin"), second);
        assertThat(first.toByteArray()).hasSize(1000).isEqualTo(second.toByteArray());
    }

    @Test
    void reportsANameOutsideTheCatalogueAsAMissingArtifact() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatExceptionOfType(ArtifactNotFoundException.class)
            .isThrownBy(() -> this.origin.download(new ArtifactName("other.bin"), out))
            .withMessage("The origin has no artifact 'other.bin'");
        assertThat(out.size()).isZero();
    }

    @Test
    void refusesACatalogueNameThatIsNotAnArtifactName() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new GeneratedOrigin(List.of("model.bin", "../escape"), 1, new SlowNetwork(Duration.ZERO)))
            .withMessageStartingWith("sample.origin.artifacts: Invalid artifact name '../escape'");
    }

    @Test
    void refusesAnEmptyCatalogue() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new GeneratedOrigin(List.of(), 1, new SlowNetwork(Duration.ZERO)))
            .withMessageContaining("sample.origin.artifacts is empty");
    }

}
