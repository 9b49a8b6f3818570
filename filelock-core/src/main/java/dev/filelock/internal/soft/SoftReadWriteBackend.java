package dev.filelock.internal.soft;

import dev.filelock.LockMode;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.ReadWriteBackendWait;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The OS-level half of a {@code SoftReadWriteFileLock}: this JVM's one reader marker
 * (shared by all its readers) or its write marker, each kept alive by a heartbeat while
 * held.
 */
public final class SoftReadWriteBackend implements ReadWriteBackend {

    private final SoftReadWriteMarkers markers;

    private SoftReadWriteMarkers.@Nullable Held held;

    SoftReadWriteBackend(SoftReadWriteMarkers markers) {
        this.markers = markers;
    }

    /** A factory for backends with the given timing options. */
    public static ReadWriteBackend.Factory factory(Duration heartbeatInterval, Duration staleThreshold,
            Duration pollInterval) {
        return (canonicalPath, path) -> new SoftReadWriteBackend(
                new SoftReadWriteMarkers(canonicalPath, path, heartbeatInterval, staleThreshold, pollInterval));
    }

    @Override
    public boolean acquire(LockMode mode, ReadWriteBackendWait wait) {
        held = mode == LockMode.READ ? markers.acquireRead(wait) : markers.acquireWrite(wait);
        return held != null;
    }

    @Override
    public void release() {
        SoftReadWriteMarkers.@Nullable Held releasing = held;
        held = null;
        if (releasing != null) {
            releasing.release();
        }
    }

    @Override
    public void close() {
        release();
    }

}
