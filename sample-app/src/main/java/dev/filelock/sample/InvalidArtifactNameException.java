package dev.filelock.sample;

/**
 * Thrown for an artifact name that is not a single plain file name; answered with 400 Bad
 * Request.
 */
public class InvalidArtifactNameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     * @param name the rejected name
     */
    public InvalidArtifactNameException(String name) {
        super("Invalid artifact name '" + name + "': use letters, digits, '.', '_' and '-' only, no '..', "
                + "starting with a letter or digit, at most 128 characters");
    }

}
