package dev.filelock.spring.actuate;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.integration.support.locks.DefaultLockRegistry;

/**
 * The observability stack on a user's Spring Integration {@link DefaultLockRegistry}
 * ({@code filelock.backend}).
 */
class RegistryBackendObservabilityTests extends AbstractLockObservabilityTests {

    @Override
    protected String backend() {
        return "registry";
    }

    @Override
    protected String type() {
        return "registry";
    }

    @Override
    protected boolean locksAreFiles() {
        return false;
    }

    @Override
    protected WebApplicationContextRunner withBackend(WebApplicationContextRunner runner) {
        return runner.withPropertyValues("filelock.backend=inMemoryLocks")
            .withBean("inMemoryLocks", DefaultLockRegistry.class, DefaultLockRegistry::new);
    }

}
