package dev.filelock.internal.readwrite;

import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.flock.FlockReadWriteBackend;
import java.nio.file.Path;

/** A {@link NativeReadWriteFileLock} object: the shared read/write coordination over {@code flock} backends. */
public final class NativeCoordinatedReadWriteLock extends CoordinatedReadWriteLock implements NativeReadWriteFileLock {

    public NativeCoordinatedReadWriteLock(Path path, LockOptions options) {
        super(path, options, NativeReadWriteFileLock.Builder.KIND, FlockReadWriteBackend.factory(options.fileMode()));
    }
}
