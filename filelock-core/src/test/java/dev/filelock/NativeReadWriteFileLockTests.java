package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The read/write contract for the {@code flock}-based {@link NativeReadWriteFileLock}.
 */
class NativeReadWriteFileLockTests extends AbstractReadWriteFileLockContractTests {

    @Override
    protected ReadWriteFileLock createLock(Path path, Duration timeout, boolean blocking, Ownership ownership) {
        return NativeReadWriteFileLock.builder(path).timeout(timeout).blocking(blocking).ownership(ownership).build();
    }

}
