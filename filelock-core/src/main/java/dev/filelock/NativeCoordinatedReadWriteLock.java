package dev.filelock;

import java.nio.file.Path;

/** A {@link NativeReadWriteFileLock} object: the shared read/write coordination over {@code flock} backends. */
final class NativeCoordinatedReadWriteLock extends CoordinatedReadWriteLock implements NativeReadWriteFileLock {

    NativeCoordinatedReadWriteLock(Path path, LockOptions options) {
        super(path, options, NativeReadWriteFileLock.Builder.KIND, FlockReadWriteBackend.factory(options.fileMode()));
    }
}
