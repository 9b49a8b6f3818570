package dev.filelock.spring;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.fixtures.fuzz.FuzzSubject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

/**
 * The {@link FileLockRegistry} (file backend, default lock kinds) as a fuzz subject:
 * {@code registry} through {@link FileLockRegistry#obtain(Object)}, {@code registry-rw}
 * through {@link FileLockRegistry#obtainReadWrite(Object)}, with asynchronous waits
 * through {@link FileLockRegistry#acquireDetached} and expiry of idle entries. Every
 * operation obtains its lock anew, as callers of a registry do, so that expired entries
 * are replaced while others are in use.
 */
public final class RegistryFuzzSubjects implements FuzzSubject.Factory {

    @Override
    public FuzzSubject open(String kind, Path lockFile) {
        boolean readWrite = switch (kind) {
            case "registry" -> false;
            case "registry-rw" -> true;
            default -> throw new IllegalArgumentException("unknown lock kind " + kind);
        };
        return new RegistrySubject(new FileLockRegistry(lockFile.getParent()), lockFile.getFileName().toString(),
                readWrite);
    }

    private record RegistrySubject(FileLockRegistry registry, String key, boolean readWrite) implements FuzzSubject {

        @Override
        public Optional<LockHold> acquire(boolean write, Duration timeout) {
            Lock lock = lock(write);
            if (timeout.isNegative()) {
                lock.lock();
                return Optional.of(holdOf(lock));
            }
            try {
                return lock.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(holdOf(lock))
                        : Optional.empty();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + this.key, ex);
            }
        }

        @Override
        public Optional<LockHold> tryAcquire(boolean write) {
            Lock lock = lock(write);
            return lock.tryLock() ? Optional.of(holdOf(lock)) : Optional.empty();
        }

        @Override
        public CompletableFuture<LockHold> acquireAsync(boolean write, Duration timeout) {
            LockMode kind = !this.readWrite ? LockMode.WRITE : write ? LockMode.WRITE : LockMode.READ;
            return this.registry.acquireDetached(this.key, kind, timeout);
        }

        @Override
        public void forceRelease() {
            this.registry.forceRelease(this.key);
        }

        @Override
        public void expireUnused() {
            this.registry.expireUnusedOlderThan(0);
        }

        private Lock lock(boolean write) {
            if (!this.readWrite) {
                return this.registry.obtain(this.key);
            }
            return write ? this.registry.obtainReadWrite(this.key).writeLock()
                    : this.registry.obtainReadWrite(this.key).readLock();
        }

        private LockHold holdOf(Lock lock) {
            Path path = this.registry.resolve(this.key);
            AtomicBoolean released = new AtomicBoolean();
            return new LockHold() {

                @Override
                public Path path() {
                    return path;
                }

                @Override
                public void close() {
                    if (released.compareAndSet(false, true)) {
                        lock.unlock();
                    }
                }

            };
        }

    }

}
