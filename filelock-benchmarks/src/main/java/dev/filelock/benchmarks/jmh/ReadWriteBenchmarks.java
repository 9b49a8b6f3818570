package dev.filelock.benchmarks.jmh;

import dev.filelock.LockHold;
import dev.filelock.ReadWriteFileLock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * ReadWriteFileLock read and write acquire+release as the first holder in the JVM,
 * against the SQLite statements of the same protocol on a connection kept open.
 */
@State(Scope.Thread)
public class ReadWriteBenchmarks {

    private Path directory;

    private ReadWriteFileLock lock;

    private Connection connection;

    private Statement statement;

    /**
     * Creates our lock and opens the anchor's connection as the protocol configures it.
     */
    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        directory = TempDirectory.create("filelock-bench");
        lock = ReadWriteFileLock.of(directory.resolve("ours.db"));
        connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("anchor.db"));
        statement = connection.createStatement();
        statement.execute("PRAGMA busy_timeout=1999999999");
        statement.execute("PRAGMA journal_mode=MEMORY");
    }

    /** Closes our lock and the connection and removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        lock.close();
        statement.close();
        connection.close();
        TempDirectory.delete(directory);
    }

    /** Ours: one read acquire and release, nobody else in the JVM holding the lock. */
    @Benchmark
    public void oursRead() {
        LockHold hold = lock.acquireRead();
        hold.close();
    }

    /** Ours: one write acquire and release, nobody else in the JVM holding the lock. */
    @Benchmark
    public void oursWrite() {
        LockHold hold = lock.acquireWrite();
        hold.close();
    }

    /**
     * Anchor of a read: {@code BEGIN}, the {@code SELECT} that takes the SHARED lock,
     * {@code ROLLBACK}.
     */
    @Benchmark
    public boolean anchorRead() throws SQLException {
        statement.execute("BEGIN TRANSACTION");
        boolean found;
        try (ResultSet row = statement.executeQuery("SELECT name FROM sqlite_schema LIMIT 1")) {
            found = row.next();
        }
        statement.execute("ROLLBACK");
        return found;
    }

    /** Anchor of a write: {@code BEGIN EXCLUSIVE}, {@code ROLLBACK}. */
    @Benchmark
    public void anchorWrite() throws SQLException {
        statement.execute("BEGIN EXCLUSIVE TRANSACTION");
        statement.execute("ROLLBACK");
    }

}
