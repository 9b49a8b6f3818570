package dev.filelock.internal.readwrite;

import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.ReadWriteBackend;
import java.nio.file.Path;

/** A {@link SoftReadWriteFileLock} object: the shared read/write coordination over marker-file backends. */
public final class SoftCoordinatedReadWriteLock extends CoordinatedReadWriteLock implements SoftReadWriteFileLock {

    public SoftCoordinatedReadWriteLock(Path path, LockOptions options, ReadWriteBackend.Factory backends) {
        super(path, options, SoftReadWriteFileLock.Builder.KIND, backends);
    }
}
