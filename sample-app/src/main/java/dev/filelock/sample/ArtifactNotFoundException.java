package dev.filelock.sample;

/** Thrown when the origin has no such artifact; answered with 404 Not Found. */
public class ArtifactNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     * @param name the missing artifact
     */
    public ArtifactNotFoundException(ArtifactName name) {
        super("The origin has no artifact '" + name + "'");
    }

}
