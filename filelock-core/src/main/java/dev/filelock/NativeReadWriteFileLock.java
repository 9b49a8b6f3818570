package dev.filelock;

import dev.filelock.internal.LockOptions;
import dev.filelock.internal.readwrite.CoordinatedReadWriteLock;
import java.nio.file.Path;

/**
 * A cross-process multi-reader / single-writer lock on one file made of {@code flock(2)}
 * locks on the file itself: {@link #acquireWrite()} takes {@code LOCK_EX}, exactly as
 * {@link FileLock} and Python's {@code filelock.FileLock} do, and {@link #acquireRead()}
 * takes {@code LOCK_SH}. So Python's {@code FileLock}, {@code flock -x} and our
 * {@link FileLock} exclude both modes, and {@code flock -s} shares with readers.
 *
 * <p>
 * Within a JVM it behaves exactly like the SQLite {@link ReadWriteFileLock} (readers
 * share one OS-level hold, reentrant per mode, writer preference, upgrade and downgrade
 * refused at once). Across processes, {@code flock} alone would let new readers in for
 * ever while a writer waits; so a writer of this library that finds the lock file taken
 * takes {@code LOCK_EX} on a sibling gate file, {@code <lock file>.writer}, and keeps it
 * while it waits for the lock file, and readers of this library pass through that gate
 * ({@code LOCK_SH | LOCK_NB}, then the lock file, then the gate is dropped): once a
 * writer of any of our processes waits, no new reader of ours starts, in any process (a
 * JVM whose readers already share the lock lets no new thread join them, and looks again
 * every poll interval), and the writer gets the lock as soon as the current readers
 * leave. Readers outside the library ({@code flock -s}) do not look at the gate and can
 * still hold a writer back. Waits for another process retry with {@code LOCK_NB}, backing
 * off up to the poll interval.
 *
 * <p>
 * Both files are created (with missing parent directories) at the first acquisition, with
 * mode 0666 filtered by the umask unless {@link Builder#fileMode(int)} says otherwise,
 * and never deleted, as Python's {@code FileLock} keeps its file on Unix; the gate's name
 * is 7 bytes longer, so a lock file name has at most 248 bytes. Between holds one
 * descriptor per file stays open; at most 32 idle lock paths keep theirs in the JVM (the
 * longest-idle are closed and reopened at the next acquisition). A {@link FileLock} and a
 * {@code NativeReadWriteFileLock} on one file in one JVM exclude each other as two
 * processes would (both are {@code flock} locks on separate descriptors); a thread that
 * holds one and waits for the other without a timeout waits for itself. The SQLite
 * {@link ReadWriteFileLock} and this lock refuse each other on one file in one JVM with a
 * {@link FileLockException}, since closing a descriptor of the file would drop SQLite's
 * POSIX locks. Needs {@code flock(2)}: on Windows, or on a file system without it,
 * acquisitions fail with a {@link FileLockException} (use {@link SoftReadWriteFileLock}
 * there).
 *
 * <pre>{@code
 * NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(Path.of("/var/cache/app/index.lock"));
 * try (LockHold hold = lock.acquireRead(Duration.ofSeconds(10))) {
 *     // shared with other readers (and flock -s), excluded from writers, FileLock and flock -x
 * }
 * }</pre>
 *
 * @since 0.1
 */
public interface NativeReadWriteFileLock extends ReadWriteFileLock {

    /**
     * Returns a native read/write lock on the given path with default options (wait
     * forever, per-thread ownership).
     * @param path the lock file; it and its writers' gate file {@code <path>.writer} are
     * created (with missing parent directories) at the first acquisition
     * @return the lock object; building it touches no file
     * @throws IllegalArgumentException if the path is empty
     */
    static NativeReadWriteFileLock of(Path path) {
        return builder(path).build();
    }

    /**
     * Returns a builder for a native read/write lock on the given path.
     * @param path the lock file
     * @return a builder with the default options
     * @throws IllegalArgumentException if the path is empty
     */
    static Builder builder(Path path) {
        return new Builder(path);
    }

    /**
     * Builder of {@link NativeReadWriteFileLock}s; every option is described on
     * {@link ReadWriteFileLockBuilder}.
     */
    final class Builder extends ReadWriteFileLockBuilder<Builder, NativeReadWriteFileLock> {

        private int fileMode = LockOptions.UNSET_FILE_MODE;

        Builder(Path path) {
            super(path, FileLockBuilder.DEFAULT_POLL_INTERVAL);
        }

        /**
         * Sets the permission bits of the lock file and of its writers' gate file, such
         * as {@code 0644}, applied exactly whatever the umask; by default both are
         * created with {@code 0666} filtered by the umask.
         * @param mode permission bits between {@code 0} and {@code 0777}
         * @return this builder
         * @throws IllegalArgumentException if the mode is outside that range
         */
        public Builder fileMode(int mode) {
            if (mode < 0 || mode > 0777) {
                throw new IllegalArgumentException(
                        "fileMode must be between 0 and 0777 (octal), got 0" + Integer.toOctalString(mode));
            }
            this.fileMode = mode;
            return this;
        }

        /**
         * Builds the lock object; building touches no file. In one JVM, every lock object
         * on a path shares the file mode of the first one used.
         * @return the lock
         */
        @Override
        public NativeReadWriteFileLock build() {
            LockOptions shared = options();
            return CoordinatedReadWriteLock.ofNative(path, new LockOptions(shared.timeout(), shared.blocking(),
                    shared.pollInterval(), fileMode, shared.ownership(), shared.cancelCheck(), shared.lifetime()));
        }

    }

}
