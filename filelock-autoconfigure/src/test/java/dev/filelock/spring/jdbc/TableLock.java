package dev.filelock.spring.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes the lock database hang for lock statements: another connection holds an EXCLUSIVE
 * lock on {@code INT_LOCK} until closed, so every statement that writes to the table
 * waits (reads do not), as on a database that is overloaded or frozen.
 */
public final class TableLock implements AutoCloseable {

    private final Connection connection;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    /**
     * Locks the table.
     * @param database the server
     * @return the lock, released on close
     * @throws SQLException if the table cannot be locked
     */
    public static TableLock lock(PostgresDatabase database) throws SQLException {
        Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE int_lock IN EXCLUSIVE MODE");
        }
        return new TableLock(connection);
    }

    @Override
    public void close() throws SQLException {
        try {
            this.connection.rollback();
        }
        finally {
            this.connection.close();
        }
    }

}
