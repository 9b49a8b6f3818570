package dev.filelock.internal.exclusive;

import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockProtocol;
import java.nio.file.Path;

/** The native exclusive lock: {@code flock(2)} (Windows: {@code LockFileEx} on byte 0). */
public final class NativeFileLock extends ExclusiveFileLock {

    public NativeFileLock(Path path, LockOptions options) {
        super(path, LockProtocol.NATIVE, options);
    }
}
