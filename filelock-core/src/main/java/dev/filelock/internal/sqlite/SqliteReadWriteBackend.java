package dev.filelock.internal.sqlite;

import dev.filelock.FileLockException;
import dev.filelock.LockMode;
import dev.filelock.internal.ConfinedRoot;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.OpenLimits;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.ReadWriteBackendWait;
import dev.filelock.internal.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * Python filelock's {@code ReadWriteLock} protocol over one sqlite-jdbc connection: write
 * is {@code BEGIN EXCLUSIVE
 * TRANSACTION}, read is {@code BEGIN TRANSACTION} plus a {@code SELECT} that takes
 * SQLite's SHARED lock, release is a rollback; {@code journal_mode=MEMORY}, never WAL;
 * nothing is ever written, so the file stays 0 bytes.
 *
 * <p>
 * SQLite's own busy handler backs off to 100 ms sleeps; this one installs
 * {@code busy_timeout=0} and a busy handler of its own that paces the retries with the
 * caller's {@link ReadWriteBackendWait}. SQLite calls it while keeping the PENDING lock
 * of a waiting writer, so new readers of other processes are held back (writer
 * preference) across processes too. The connection is opened at the first acquisition and
 * kept until {@link #close()}, {@link #closeIdle()} (the table keeps only a few idle
 * connections open) or a failure.
 */
public final class SqliteReadWriteBackend implements ReadWriteBackend {

    /**
     * A retry runs inside SQLite (a few {@code fcntl} calls and this handler's upcall,
     * microseconds), so it may come more often than a twentieth of the time waited: the
     * pause grows to a 64th (0.7 ms after 45 ms of waiting, the poll interval after 3.2
     * s), so a handoff takes about a 128th of the time waited, at about 650 retries in a
     * 10 s wait.
     */
    static final int RETRY_ELAPSED_FRACTION = 64;

    /** Connections open in this JVM, so tests can prove that none leaks. */
    public static final AtomicInteger OPEN_CONNECTIONS = new AtomicInteger();

    private final Path canonicalPath;

    private final Path path;

    private @Nullable Session session;

    private boolean readOnly;

    private volatile @Nullable ReadWriteBackendWait currentWait;

    public SqliteReadWriteBackend(Path canonicalPath, Path path) {
        this.canonicalPath = canonicalPath;
        this.path = path;
    }

    /** An open connection with its prepared statements. */
    private record Session(Connection connection, LockFileReads.SqliteFile file, PreparedStatement beginExclusive,
            PreparedStatement beginShared, PreparedStatement selectSchema, PreparedStatement rollback) {
    }

    @Override
    public boolean acquire(LockMode mode, ReadWriteBackendWait wait) {
        currentWait = wait;
        try {
            Session open = session != null ? session : open();
            if (mode == LockMode.WRITE && readOnly) {
                closeSession();
                throw LockFailures.cannotLock(path, "it is read-only for this user, and a write lock taken through a"
                        + " read-only connection would not exclude anyone", null);
            }
            if (mode == LockMode.WRITE) {
                open.beginExclusive().execute();
            }
            else {
                beginRead(open);
            }
            return true;
        }
        catch (SQLException e) {
            if (isBusy(e)) {
                return false;
            }
            closeSession();
            throw failure(e);
        }
        finally {
            currentWait = null;
        }
    }

    private static void beginRead(Session open) throws SQLException {
        // A deferred BEGIN takes no lock; the SELECT takes SHARED. If it fails, leave no
        // transaction open behind.
        open.beginShared().execute();
        try (ResultSet schema = open.selectSchema().executeQuery()) {
            schema.next();
        }
        catch (SQLException e) {
            open.rollback().execute();
            throw e;
        }
    }

    @Override
    public void release() {
        Session open = session;
        if (open == null) {
            return;
        }
        try {
            open.rollback().execute();
        }
        catch (SQLException e) {
            // Closing the connection drops its POSIX locks: the hold is gone either way,
            // never kept by mistake.
            closeSession();
        }
    }

    @Override
    public void close() {
        closeSession();
    }

    @Override
    public boolean keepsIdleResources() {
        return session != null;
    }

    @Override
    public void closeIdle() {
        closeSession();
    }

    private Session open() throws SQLException {
        // SQLite reports only "cannot open" for a name the kernel refuses: say why before
        // trying.
        OpenLimits.refuseTooLongName(path, canonicalPath);
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(0);
        // SQLite silently opens a file it may not write read-only, and then BEGIN
        // EXCLUSIVE takes only a shared POSIX
        // lock: say read-only up front (access(2), no open) so that write locks can be
        // refused instead.
        readOnly = Files.exists(canonicalPath) && !Files.isWritable(canonicalPath);
        config.setReadOnly(readOnly);
        loadNativeLibrary();
        ConfinedRoot confined = ConfinedRoot.containing(canonicalPath);
        Posix.FileIdentity walked = null;
        if (confined != null) {
            walked = SqliteConfinement.prepare(confined, canonicalPath, path);
            // Created by the walk: SQLite must never create it, or a directory swapped
            // for a link would make it there.
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        // This JVM's reads of lock files must never open (and close) the file SQLite
        // holds POSIX locks on.
        LockFileReads.SqliteFile file = LockFileReads.openingSqliteFile();
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + canonicalPath);
        }
        catch (SQLException | RuntimeException e) {
            file.close();
            throw e;
        }
        OPEN_CONNECTIONS.incrementAndGet();
        try {
            // Refused when a FileLock of this JVM has the file open; the connection,
            // closed below, holds no lock yet.
            file.opened(canonicalPath, path);
            if (confined != null) {
                // Before the first statement: SQLite holds no lock on the file yet.
                SqliteConfinement.requireOpened(confined, canonicalPath, path, Objects.requireNonNull(walked));
            }
            try (Statement statement = connection.createStatement()) {
                // sqlite-jdbc's default is 3000 ms; zero here, and the busy handler below
                // does the waiting.
                statement.execute("PRAGMA busy_timeout = 0");
            }
            BusyHandler.setHandler(connection, new PacedBusyHandler());
            requireMemoryJournal(connection);
            session = new Session(connection, file, connection.prepareStatement("BEGIN EXCLUSIVE TRANSACTION"),
                    connection.prepareStatement("BEGIN TRANSACTION"),
                    connection.prepareStatement("SELECT name FROM sqlite_schema LIMIT 1"),
                    connection.prepareStatement("ROLLBACK"));
            return session;
        }
        catch (SQLException | RuntimeException e) {
            closeQuietly(connection, file);
            throw e;
        }
    }

    private void loadNativeLibrary() {
        try {
            SqliteNativeLibrary.ensureLoaded();
        }
        catch (Exception e) {
            throw LockFailures.cannotLock(path, "SQLite's native library cannot be loaded (" + e + ")", e);
        }
    }

    /**
     * Sets journal_mode=MEMORY as Python does; it needs a lock, so it may wait (paced
     * like the acquisition).
     */
    private void requireMemoryJournal(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA journal_mode = MEMORY")) {
            String mode = result.next() ? result.getString(1) : null;
            if (!"memory".equalsIgnoreCase(mode)) {
                throw LockFailures.cannotLock(path, "its SQLite journal mode is '" + mode
                        + "' and cannot be set to 'memory' (WAL would let readers in during a write)", null);
            }
        }
    }

    private void closeSession() {
        Session open = session;
        session = null;
        if (open != null) {
            closeQuietly(open.connection(), open.file());
        }
    }

    private static void closeQuietly(Connection connection, LockFileReads.SqliteFile file) {
        try {
            connection.close();
        }
        catch (SQLException ignored) {
            // Nothing more to release: SQLite closes the descriptor, and with it the
            // POSIX locks, in any case.
        }
        finally {
            OPEN_CONNECTIONS.decrementAndGet();
            file.close();
        }
    }

    private static boolean isBusy(SQLException e) {
        return (e.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
    }

    private FileLockException failure(SQLException e) {
        String reason;
        int code = e instanceof SQLiteException ? ((SQLiteException) e).getResultCode().code & 0xff : e.getErrorCode();
        if (code == SQLiteErrorCode.SQLITE_NOTADB.code) {
            reason = "it is not an SQLite database";
        }
        else if (code == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
            // SQLite does not say why (too-long names were refused before opening): name
            // the descriptor limit if hit.
            reason = OpenLimits.descriptorsExhausted()
                .orElse("it cannot be opened or created (check that the directory is writable)");
        }
        else if (code == SQLiteErrorCode.SQLITE_READONLY.code) {
            reason = "it is read-only";
        }
        else {
            reason = "SQLite failed: " + e.getMessage();
        }
        return LockFailures.cannotLock(path, reason, e);
    }

    /**
     * Paces SQLite's retries with the current acquisition's wait; gives up when it says
     * so (or when none is set).
     */
    private final class PacedBusyHandler extends BusyHandler {

        @Override
        protected int callback(int previousCalls) {
            ReadWriteBackendWait wait = currentWait;
            return wait != null && wait.pause(RETRY_ELAPSED_FRACTION) ? 1 : 0;
        }

    }

}
