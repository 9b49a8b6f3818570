package dev.filelock.benchmarks;

import dev.filelock.FileLock;
import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.Lock;

/**
 * The two operations a handoff or contention loop needs, so that our locks and the
 * anchors run through the very same loop.
 */
interface Exclusive extends AutoCloseable {

    /** Blocks until held. */
    void lock();

    void unlock();

    /**
     * Frees what the lock keeps open between holds (descriptors, connections); nothing
     * for plain locks.
     */
    @Override
    default void close() {
    }

    static Exclusive of(Lock lock) {
        return new Exclusive() {
            @Override
            public void lock() {
                lock.lock();
            }

            @Override
            public void unlock() {
                lock.unlock();
            }
        };
    }

    /**
     * One process-level (or, for {@code raw-flock}, one descriptor-level) lock of the
     * given kind on a path.
     */
    static Exclusive open(Kind kind, Path path) {
        return switch (kind) {
            case OURS_NATIVE -> of(FileLock.of(path));
            case RAW_FLOCK -> new RawFdLock(path);
            case OURS_RW_WRITE -> new WriteSide(ReadWriteFileLock.of(path));
            case OURS_NATIVE_RW_WRITE -> new WriteSide(NativeReadWriteFileLock.of(path));
        };
    }

    /** The cross-process lock kinds a child JVM can run. */
    enum Kind {

        /** Our {@link FileLock}. */
        OURS_NATIVE,
        /**
         * The anchor: blocking {@code flock(2)} through the benchmarks' own JNA binding,
         * one descriptor per user.
         */
        RAW_FLOCK,
        /** The write side of our {@link ReadWriteFileLock}. */
        OURS_RW_WRITE,
        /** The write side of our {@link NativeReadWriteFileLock}. */
        OURS_NATIVE_RW_WRITE;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind parse(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

    }

    /**
     * The write side of a {@link ReadWriteFileLock}, closed (with its connection or
     * descriptors) at the end.
     */
    final class WriteSide implements Exclusive {

        private final ReadWriteFileLock lock;

        WriteSide(ReadWriteFileLock lock) {
            this.lock = lock;
        }

        @Override
        public void lock() {
            lock.writeLock().lock();
        }

        @Override
        public void unlock() {
            lock.writeLock().unlock();
        }

        @Override
        public void close() {
            lock.close();
        }

    }

    /** Blocking {@code flock} on a descriptor opened once. */
    final class RawFdLock implements Exclusive {

        private final int fd;

        RawFdLock(Path path) {
            this.fd = RawFlock.openLockFile(path);
        }

        @Override
        public void lock() {
            RawFlock.lock(fd);
        }

        @Override
        public void unlock() {
            RawFlock.unlock(fd);
        }

        @Override
        public void close() {
            RawFlock.closeFd(fd);
        }

    }

}
