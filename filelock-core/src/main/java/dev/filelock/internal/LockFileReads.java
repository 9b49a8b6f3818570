package dev.filelock.internal;

import com.sun.jna.LastErrorException;
import dev.filelock.FileLockException;
import dev.filelock.internal.posix.KernelLocks;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one way this library opens a lock file to read it (a soft lock's record, a
 * read/write marker, a diagnostics probe): never a file on which this JVM holds POSIX
 * ({@code fcntl}) locks. Those locks belong to the process, and closing any descriptor of
 * the file drops all of them, so a read of a file that SQLite's read/write lock holds
 * would silently hand the lock to another process.
 *
 * <p>
 * A read is refused ({@link HeldByThisProcess}) when the file, by device and inode, is
 * one an SQLite connection of this JVM has open: the connections register themselves
 * ({@link #openingSqliteFile()}), and a connection is never opened while a read is under
 * way, so this check is exact. As a second signal, covering POSIX locks taken by other
 * code in this JVM, a read is also refused when {@code /proc/locks} lists a POSIX lock of
 * this process on the file (Linux only; that check and the open are not one atomic step).
 *
 * <p>
 * The same gate keeps the {@code flock} descriptors of a {@code FileLock} or
 * {@code NativeReadWriteFileLock} and SQLite connections off one file (by device and
 * inode, so under any name): a flock descriptor is opened like a read, never on a file
 * SQLite has open, and is registered until closed ({@link #openFlockDescriptor}); an
 * SQLite connection finding such a descriptor is closed before its first statement
 * ({@link SqliteFile#opened}). Otherwise closing a flock descriptor (an unlock of a
 * replaced file, a parked descriptor retired, a kernel waiter giving up) would drop
 * SQLite's locks.
 */
public final class LockFileReads {

    private static final int S_IFMT = 0170000;

    private static final int S_IFREG = 0100000;

    private static final Object MONITOR = new Object();

    /**
     * Files SQLite connections of this JVM have open (hard links may make two share one);
     * guarded by the monitor.
     */
    private static final Map<Posix.FileIdentity, OpenFile> SQLITE_FILES = new HashMap<>();

    /**
     * Files flock descriptors of this JVM have open, with how many; guarded by the
     * monitor.
     */
    private static final Map<Posix.FileIdentity, Integer> FLOCK_FILES = new HashMap<>();

    private static int readsInProgress;

    private static int opensInProgress;

    /**
     * Openers waiting for reads to finish; new reads wait behind them, so a stream of
     * reads cannot starve an open.
     */
    private static int opensWaiting;

    private LockFileReads() {
    }

    /**
     * Reads up to {@code maxBytes} bytes from the start of a regular file, without
     * following a link at the path and without blocking on a FIFO.
     * @return the bytes read, at most {@code maxBytes}
     * @throws NoSuchFileException if nothing is at the path
     * @throws HeldByThisProcess if this JVM holds POSIX locks on the file: it is not
     * opened, its content is unknown
     * @throws FileSystemException if it is not a regular file, changed while being read,
     * or cannot be read
     */
    public static byte[] read(Path path, int maxBytes) throws IOException {
        Posix.FileIdentity examined = regularFileIdentity(path);
        beginRead(path, examined);
        try {
            if (KernelLocks.posixLockedByThisProcess(examined)) {
                throw new HeldByThisProcess(path);
            }
            return readOpened(path, examined, maxBytes);
        }
        finally {
            endRead();
        }
    }

    /**
     * Announces that an SQLite connection is about to open a file: waits for reads under
     * way to finish, and holds new ones back until {@link SqliteFile#opened} or
     * {@link SqliteFile#close()}.
     */
    public static SqliteFile openingSqliteFile() {
        synchronized (MONITOR) {
            opensWaiting++;
            try {
                awaitUninterruptibly(() -> readsInProgress > 0);
            }
            finally {
                opensWaiting--;
            }
            opensInProgress++;
            return new SqliteFile();
        }
    }

    /**
     * Opens a descriptor for {@code flock} on a lock file, unless an SQLite connection of
     * this JVM has the file open, and registers it until {@link #closeFlockDescriptor}:
     * SQLite connections are not opened meanwhile, and the file at the path is examined
     * before it is opened, so a refused lock opens (and closes) nothing.
     * @param identityAtPath the identity of what the path names now, or null if nothing
     * is there
     * @param open opens the descriptor (and may create the file)
     * @return the open descriptor and the identity of its file
     * @throws FileLockException if this JVM holds the file as a {@code ReadWriteFileLock}
     */
    public static FlockDescriptor openFlockDescriptor(Path lockPath,
            Supplier<Posix.@Nullable FileIdentity> identityAtPath, IntSupplier open) {
        Posix.FileIdentity examined = identityAtPath.get();
        synchronized (MONITOR) {
            awaitUninterruptibly(() -> opensInProgress > 0 || opensWaiting > 0);
            if (examined != null && SQLITE_FILES.containsKey(examined)) {
                throw heldAsReadWriteLock(lockPath);
            }
            readsInProgress++;
        }
        try {
            int fd = open.getAsInt();
            Posix.FileIdentity opened;
            try {
                opened = Posix.identity(fd);
            }
            catch (RuntimeException e) {
                // fstat of a fresh descriptor fails only with a broken file system; no
                // SQLite file was at the path.
                Posix.close(fd);
                throw e;
            }
            synchronized (MONITOR) {
                OpenFile sqliteFile = SQLITE_FILES.get(opened);
                if (sqliteFile != null) {
                    // Renamed onto the path since it was examined: closing this
                    // descriptor would drop SQLite's locks.
                    sqliteFile.deferredCloses.add(fd);
                    throw heldAsReadWriteLock(lockPath);
                }
                FLOCK_FILES.merge(opened, 1, Integer::sum);
            }
            return new FlockDescriptor(fd, opened);
        }
        finally {
            endRead();
        }
    }

    /**
     * Closes a descriptor {@link #openFlockDescriptor} opened; SQLite may open the file
     * once the last is closed.
     */
    public static void closeFlockDescriptor(FlockDescriptor descriptor) {
        try {
            Posix.close(descriptor.fd());
        }
        finally {
            // Only after the close: until then an SQLite connection's locks on the file
            // would be dropped by it.
            synchronized (MONITOR) {
                FLOCK_FILES.computeIfPresent(descriptor.identity(), (file, count) -> count == 1 ? null : count - 1);
            }
        }
    }

    /** A descriptor open for {@code flock}, and the file it is open on. */
    public record FlockDescriptor(int fd, Posix.FileIdentity identity) {
    }

    /**
     * Whether an SQLite connection of this JVM has the file open, so that it must be
     * neither closed nor deleted.
     */
    public static boolean isOpenThroughSqlite(Posix.FileIdentity file) {
        synchronized (MONITOR) {
            return SQLITE_FILES.containsKey(file);
        }
    }

    private static FileLockException heldAsReadWriteLock(Path lockPath) {
        return LockFailures.cannotLock(lockPath, "this JVM holds '" + lockPath + "' as a ReadWriteFileLock (SQLite);"
                + " a FileLock or NativeReadWriteFileLock on the same file would drop its POSIX locks when it closes a"
                + " descriptor; use one lock kind per file", null);
    }

    private static FileLockException heldAsFileLock(Path lockPath) {
        return LockFailures.cannotLock(lockPath, "this JVM holds '" + lockPath + "' through flock (a FileLock or"
                + " NativeReadWriteFileLock); a ReadWriteFileLock (SQLite) on the same file would lose its POSIX locks"
                + " whenever that lock closes a descriptor; use one lock kind per file", null);
    }

    private static Posix.FileIdentity regularFileIdentity(Path path) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
        if ((Posix.unixAttribute(attributes, "mode") & S_IFMT) != S_IFREG) {
            throw new FileSystemException(path.toString(), null, "not a regular file");
        }
        return new Posix.FileIdentity(Posix.unixAttribute(attributes, "dev"), Posix.unixAttribute(attributes, "ino"));
    }

    private static void beginRead(Path path, Posix.FileIdentity examined) throws HeldByThisProcess {
        synchronized (MONITOR) {
            awaitUninterruptibly(() -> opensInProgress > 0 || opensWaiting > 0);
            if (SQLITE_FILES.containsKey(examined)) {
                throw new HeldByThisProcess(path);
            }
            readsInProgress++;
        }
    }

    private static void endRead() {
        synchronized (MONITOR) {
            if (--readsInProgress == 0) {
                MONITOR.notifyAll();
            }
        }
    }

    private static byte[] readOpened(Path path, Posix.FileIdentity examined, int maxBytes) throws IOException {
        int fd;
        try {
            fd = Posix.open(Posix.cString(path),
                    Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC | Posix.O_NONBLOCK);
        }
        catch (LastErrorException e) {
            throw e.getErrorCode() == Posix.ENOENT ? new NoSuchFileException(path.toString())
                    : new FileSystemException(path.toString(), null, e.getMessage());
        }
        boolean closeNow = true;
        try {
            Posix.FileIdentity opened = Posix.identity(fd);
            if (!opened.equals(examined)) {
                // Another file was renamed onto the path since it was examined: if SQLite
                // holds that one, this
                // descriptor stays open until the connection closes, since closing it now
                // would drop the locks.
                closeNow = !deferCloseIfSqliteFile(opened, fd);
                throw new FileSystemException(path.toString(), null, "it was replaced while being read");
            }
            return readAll(fd, maxBytes);
        }
        catch (LastErrorException e) {
            throw new FileSystemException(path.toString(), null, e.getMessage());
        }
        finally {
            if (closeNow) {
                closeQuietly(fd);
            }
        }
    }

    private static byte[] readAll(int fd, int maxBytes) {
        byte[] content = new byte[maxBytes];
        byte[] chunk = new byte[maxBytes];
        int length = 0;
        while (length < maxBytes) {
            long count;
            try {
                count = Posix.read(fd, chunk, maxBytes - length);
            }
            catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.EINTR) {
                    continue;
                }
                throw e;
            }
            if (count <= 0) {
                break; // end of file (a record may arrive in several pieces over NFS:
                       // read until then)
            }
            System.arraycopy(chunk, 0, content, length, (int) count);
            length += (int) count;
        }
        return Arrays.copyOf(content, length);
    }

    private static boolean deferCloseIfSqliteFile(Posix.FileIdentity opened, int fd) {
        synchronized (MONITOR) {
            OpenFile file = SQLITE_FILES.get(opened);
            if (file == null) {
                return false;
            }
            file.deferredCloses.add(fd);
            return true;
        }
    }

    /**
     * How many connections have the file open, and descriptors that may only be closed
     * after the last of them.
     */
    private static final class OpenFile {

        int connections;

        final List<Integer> deferredCloses = new ArrayList<>(0);

    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        }
        catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }

    /**
     * Waits on the monitor while the condition holds; these waits are short (one open or
     * one small read).
     */
    private static void awaitUninterruptibly(java.util.function.BooleanSupplier condition) {
        boolean interrupted = false;
        while (condition.getAsBoolean()) {
            try {
                MONITOR.wait();
            }
            catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A file an SQLite connection of this JVM opens or has open; closed after the
     * connection.
     */
    public static final class SqliteFile implements AutoCloseable {

        private Posix.@Nullable FileIdentity identity;

        private boolean opening = true;

        private boolean closed;

        private SqliteFile() {
        }

        /**
         * Records the file the connection opened at the canonical path, and lets reads go
         * on (of other files). Nothing is recorded when the path no longer names a file:
         * no read can reach the connection's file then.
         * @throws FileLockException if this JVM has the file open for a {@code FileLock}:
         * the caller closes the connection, before any statement, so it holds no lock
         * whose loss would matter
         */
        public void opened(Path canonicalPath, Path lockPath) {
            Posix.FileIdentity found = null;
            try {
                found = Posix.identity(Posix.cString(canonicalPath), new byte[StatCalls.BUFFER_SIZE]);
            }
            catch (LastErrorException gone) {
                // unlinked or renamed right after SQLite opened it
            }
            synchronized (MONITOR) {
                endOpening();
                if (found != null && FLOCK_FILES.containsKey(found)) {
                    throw heldAsFileLock(lockPath);
                }
                if (found != null && !closed) {
                    identity = found;
                    SQLITE_FILES.computeIfAbsent(found, file -> new OpenFile()).connections++;
                }
            }
        }

        /**
         * Forgets the file once the connection is closed (or failed to open), and closes
         * any deferred descriptor.
         */
        @Override
        public void close() {
            List<Integer> toClose = List.of();
            synchronized (MONITOR) {
                if (closed) {
                    return;
                }
                closed = true;
                endOpening();
                OpenFile file = identity == null ? null : SQLITE_FILES.get(identity);
                if (file != null && --file.connections == 0) {
                    SQLITE_FILES.remove(identity);
                    toClose = file.deferredCloses;
                }
            }
            toClose.forEach(LockFileReads::closeQuietly);
        }

        private void endOpening() {
            if (opening) {
                opening = false;
                opensInProgress--;
                MONITOR.notifyAll();
            }
        }

    }

    /**
     * The file is not read because this JVM holds POSIX locks on it, which closing the
     * descriptor would drop.
     */
    public static final class HeldByThisProcess extends FileSystemException {

        private static final long serialVersionUID = 1L;

        HeldByThisProcess(Path path) {
            super(path.toString(), null, "this JVM holds POSIX (fcntl) locks on it, such as an SQLite read/write lock,"
                    + " which closing a descriptor of it would drop; it is not read");
        }

    }

}
