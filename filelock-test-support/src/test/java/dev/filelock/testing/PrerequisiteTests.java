package dev.filelock.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The convention for environment-dependent tests: skipped on a developer machine, failed
 * on CI.
 */
class PrerequisiteTests {

    @Test
    void presentPrerequisiteLetsTheTestRunEverywhere() {
        assertThatCode(() -> Prerequisite.require(true, "python3", null)).doesNotThrowAnyException();
        assertThatCode(() -> Prerequisite.require(true, "python3", "true")).doesNotThrowAnyException();
    }

    @Test
    void missingPrerequisiteSkipsTheTestNamingItOutsideCi() {
        assertThatThrownBy(() -> Prerequisite.require(false, "Debian's /usr/bin/python3", null))
            .isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("Debian's /usr/bin/python3");
        assertThatThrownBy(() -> Prerequisite.require(false, "python3", "false"))
            .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void missingPrerequisiteFailsTheTestNamingItOnCi() {
        assertThatThrownBy(() -> Prerequisite.require(false, "Debian's /usr/bin/python3", "true"))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("Debian's /usr/bin/python3");
    }

}
