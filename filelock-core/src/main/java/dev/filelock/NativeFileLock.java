package dev.filelock;

import java.nio.file.Path;

/** The native exclusive lock: {@code flock(2)} (Windows: {@code LockFileEx} on byte 0). */
final class NativeFileLock extends BaseFileLock {

    NativeFileLock(Path path, LockOptions options) {
        super(path, LockKind.NATIVE, options);
    }
}
