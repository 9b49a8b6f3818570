package dev.filelock.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Checks what an environment-dependent test needs (Python, PostgreSQL): when it is
 * missing, the test is skipped with an assumption naming it on a developer machine, and
 * fails on CI (environment variable {@code CI=true}), where {@code .ci/run} installs
 * everything first.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    /**
     * Skips or fails the calling test unless the prerequisite is present.
     * @param present whether it is there
     * @param missing what is missing and how to install it, for the skip or failure
     * message
     */
    public static void require(boolean present, String missing) {
        require(present, missing, System.getenv("CI"));
    }

    static void require(boolean present, String missing, String ciVariable) {
        if (present) {
            return;
        }
        if ("true".equals(ciVariable)) {
            throw new AssertionError("CI must provide it: " + missing);
        }
        Assumptions.assumeTrue(false, "skipped, missing: " + missing);
    }

}
