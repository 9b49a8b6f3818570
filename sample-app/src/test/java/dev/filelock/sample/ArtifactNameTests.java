package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactNameTests {

    @ParameterizedTest
    @ValueSource(strings = { "model.bin", "model-7b.safetensors", "tokenizer_v2.json", "a", "README" })
    void acceptsPlainFileNames(String name) {
        assertThat(new ArtifactName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ".", "..", "../etc/passwd", "a/b", "a\\b", ".hidden", "a..b", "%2e%2e", "a b",
            "name\u0000", "ünïcode", "-leading-dash" })
    void rejectsNamesThatAreNotOnePlainFileName(String name) {
        assertThatExceptionOfType(InvalidArtifactNameException.class).isThrownBy(() -> new ArtifactName(name))
            .withMessageContaining("'" + name + "'");
    }

    @Test
    void acceptsNamesOfUpTo128Characters() {
        assertThat(new ArtifactName("a".repeat(128)).value()).hasSize(128);
        assertThatExceptionOfType(InvalidArtifactNameException.class)
            .isThrownBy(() -> new ArtifactName("a".repeat(129)));
    }

}
