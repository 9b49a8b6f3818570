package dev.filelock.internal;

/**
 * A test-only class in core's internal package, so that the architecture tests of
 * filelock-autoconfigure can prove that their rule against importing
 * {@code dev.filelock.internal..} catches a class that does.
 */
public final class ArchitectureRuleFixture {

    private ArchitectureRuleFixture() {
    }

    /** Does nothing; calling it is the violation. */
    public static void use() {
    }

}
