package dev.filelock.internal.exclusive;

import dev.filelock.SoftFileLock;
import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockPaths;
import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.soft.StaleMarkers;
import java.nio.file.Path;
import java.util.Optional;

/** The soft exclusive lock: a marker file created exclusively. */
public final class MarkerFileLock extends ExclusiveFileLock implements SoftFileLock {

    public MarkerFileLock(Path path, LockOptions options) {
        super(path, LockProtocol.SOFT, options);
    }

    @Override
    public Optional<LockOwner> owner() {
        return new StaleMarkers(path(), LockPaths.canonical(path())).read().map(LockOwner.class::cast);
    }
}
