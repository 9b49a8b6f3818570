package dev.filelock;

import java.nio.file.Path;

/** A {@link SoftReadWriteFileLock} object: the shared read/write coordination over marker-file backends. */
final class SoftCoordinatedReadWriteLock extends CoordinatedReadWriteLock implements SoftReadWriteFileLock {

    SoftCoordinatedReadWriteLock(Path path, LockOptions options, ReadWriteBackend.Factory backends) {
        super(path, options, SoftReadWriteFileLock.Builder.KIND, backends);
    }
}
