package dev.filelock.spring.actuate;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The observability stack on {@code filelock.backend=file} (a {@code FileLockRegistry} of
 * native locks).
 */
class FileBackendObservabilityTests extends AbstractLockObservabilityTests {

    @Override
    protected String backend() {
        return "file";
    }

    @Override
    protected String type() {
        return "native";
    }

    @Override
    protected boolean locksAreFiles() {
        return true;
    }

    @Override
    protected WebApplicationContextRunner withBackend(WebApplicationContextRunner runner) {
        return runner;
    }

}
