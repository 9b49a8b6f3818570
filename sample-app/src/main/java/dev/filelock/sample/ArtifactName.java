package dev.filelock.sample;

import java.util.regex.Pattern;

/**
 * A validated artifact name: a single plain file name, so that it can never leave the
 * cache directory.
 *
 * @param value the name, such as {@code model-7b.safetensors}
 */
public record ArtifactName(String value) {

    // One path segment: no separators, no leading dot (no "..", no hidden files that
    // collide with the cache's own
    // entries), no percent sign (nothing left to decode).
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * Checks the name.
     * @throws InvalidArtifactNameException if the name is not a single plain file name of
     * at most 128 characters
     */
    public ArtifactName {
        if (!VALID.matcher(value).matches() || value.contains("..")) {
            throw new InvalidArtifactNameException(value);
        }
    }

    @Override
    public String toString() {
        return this.value;
    }
}
