package dev.filelock.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one lock entry looked like at one moment, for diagnostics.
 *
 * @param markerFile whether the entry uses a marker file (a soft lock, or a native lock that fell back)
 * @param ownerThread the holding thread's name, a description for shared or async holds, or {@code null} when free
 * @param heldSince when the current hold began, or {@code null} when free
 */
public record LockSnapshot(
        Path canonicalPath,
        LockProtocol kind,
        boolean markerFile,
        @Nullable String ownerThread,
        int holds,
        @Nullable Instant heldSince,
        List<String> waitingThreads) {}
