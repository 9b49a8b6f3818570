package dev.filelock;

import java.nio.file.Path;
import java.time.Duration;

/** The read/write contract for the SQLite-backed {@link ReadWriteFileLock}. */
class ReadWriteFileLockTests extends AbstractReadWriteFileLockContractTests {

    @Override
    protected ReadWriteFileLock createLock(Path path, Duration timeout, boolean blocking, Ownership ownership) {
        return ReadWriteFileLock.builder(path).timeout(timeout).blocking(blocking).ownership(ownership).build();
    }

    @Override
    protected Path lockPath() {
        return directory.resolve("contract.db");
    }

}
