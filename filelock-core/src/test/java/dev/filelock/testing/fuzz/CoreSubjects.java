package dev.filelock.testing.fuzz;

import dev.filelock.FileLock;
import dev.filelock.FileLockDiagnostics;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The five lock kinds of the core as fuzz subjects: {@code native} ({@link FileLock}), {@code soft} ({@link
 * SoftFileLock}), {@code native-rw} ({@link NativeReadWriteFileLock}), {@code rw} (SQLite {@link ReadWriteFileLock})
 * and {@code soft-rw} ({@link SoftReadWriteFileLock}, with a stale threshold short enough for a killed holder's marker
 * to be evicted well within the fuzzer's 10-s wedge limit).
 */
public final class CoreSubjects implements FuzzSubject.Factory {

    /** Heartbeat of soft read/write markers: short, so that a killed holder is evicted quickly. */
    static final Duration SOFT_RW_HEARTBEAT = Duration.ofMillis(500);

    /** Age after which a soft read/write marker counts as a killed holder's; eight heartbeats, for a loaded machine. */
    static final Duration SOFT_RW_STALE = Duration.ofSeconds(4);

    @Override
    public FuzzSubject open(String kind, Path lockFile) {
        return switch (kind) {
            case "native" -> new Exclusive(FileLock.of(lockFile));
            case "soft" -> new Exclusive(SoftFileLock.builder(lockFile).pollInterval(Duration.ofMillis(10)).build());
            case "native-rw" -> new Shared(
                    NativeReadWriteFileLock.builder(lockFile).pollInterval(Duration.ofMillis(10)).build());
            case "rw" -> new Shared(ReadWriteFileLock.builder(lockFile).pollInterval(Duration.ofMillis(10)).build());
            case "soft-rw" -> new Shared(SoftReadWriteFileLock.builder(lockFile)
                    .pollInterval(Duration.ofMillis(10))
                    .heartbeatInterval(SOFT_RW_HEARTBEAT)
                    .staleThreshold(SOFT_RW_STALE)
                    .build());
            default -> throw new IllegalArgumentException("unknown lock kind " + kind);
        };
    }

    /** Turns a timeout into an empty result, the one failure a bounded wait may end with. */
    static Optional<LockHold> unlessTimedOut(Supplier<LockHold> acquisition) {
        try {
            return Optional.of(acquisition.get());
        } catch (FileLockTimeoutException timedOut) {
            return Optional.empty();
        }
    }

    private record Exclusive(FileLock lock) implements FuzzSubject {

        @Override
        public boolean readWrite() {
            return false;
        }

        @Override
        public Optional<LockHold> acquire(boolean write, Duration timeout) {
            return unlessTimedOut(() -> lock.acquire(timeout));
        }

        @Override
        public Optional<LockHold> tryAcquire(boolean write) {
            return lock.tryAcquire();
        }

        @Override
        public CompletableFuture<LockHold> acquireAsync(boolean write, Duration timeout) {
            return lock.acquireAsync(timeout);
        }

        @Override
        public void forceRelease() {
            FileLockDiagnostics.forceRelease(lock.path());
        }
    }

    private record Shared(ReadWriteFileLock lock) implements FuzzSubject {

        @Override
        public boolean readWrite() {
            return true;
        }

        @Override
        public Optional<LockHold> acquire(boolean write, Duration timeout) {
            return unlessTimedOut(() -> write ? lock.acquireWrite(timeout) : lock.acquireRead(timeout));
        }

        @Override
        public Optional<LockHold> tryAcquire(boolean write) {
            return write ? lock.tryAcquireWrite() : lock.tryAcquireRead();
        }

        @Override
        public CompletableFuture<LockHold> acquireAsync(boolean write, Duration timeout) {
            return write ? lock.acquireWriteAsync(timeout) : lock.acquireReadAsync(timeout);
        }

        @Override
        public void forceRelease() {
            FileLockDiagnostics.forceRelease(lock.path());
        }
    }
}
