package dev.filelock;

import java.nio.file.Path;
import java.util.Optional;

/** The soft exclusive lock: a marker file created exclusively. */
final class MarkerFileLock extends BaseFileLock implements SoftFileLock {

    MarkerFileLock(Path path, LockOptions options) {
        super(path, LockKind.SOFT, options);
    }

    @Override
    public Optional<LockOwner> owner() {
        return new StaleMarkers(path(), LockPaths.canonical(path())).read().map(LockOwner.class::cast);
    }
}
