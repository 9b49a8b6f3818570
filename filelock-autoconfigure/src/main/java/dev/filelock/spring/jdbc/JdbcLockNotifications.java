package dev.filelock.spring.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wakes the threads of this JVM that wait for a lock as soon as another process (or
 * thread) releases it: one daemon thread keeps one connection that {@code LISTEN}s to
 * {@value #CHANNEL}, on which {@link JdbcLockRepository} sends each release
 * ({@code pg_notify} in the statement that deletes the row), and signals the waiters of
 * that row.
 *
 * <p>
 * Notifications only shorten waits: a waiter still polls at its poll interval, so a lost
 * notification, a listener that is down or reconnecting (with a backoff of
 * {@value #FIRST_BACKOFF_MILLIS} ms doubling up to {@value #LAST_BACKOFF_MILLIS} ms) or a
 * server that does not deliver them costs latency, never correctness. After every
 * (re)connection all waiters are woken once, since releases may have been missed in
 * between.
 *
 * @since 0.1
 */
public final class JdbcLockNotifications implements AutoCloseable {

    /** The PostgreSQL notification channel of releases. */
    public static final String CHANNEL = "filelock_lock_released";

    /** The {@code application_name} of the listening session. */
    public static final String APPLICATION_NAME = "filelock-jdbc-listener";

    static final long FIRST_BACKOFF_MILLIS = 100;

    static final long LAST_BACKOFF_MILLIS = 5000;

    /**
     * How long one read for notifications blocks, which bounds how long {@link #close()}
     * waits for the thread.
     */
    private static final int READ_MILLIS = 200;

    /**
     * Idle time after which the connection is checked, so that a frozen or vanished
     * server is noticed.
     */
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final Executor DIRECT = Runnable::run;

    private static final Log logger = LogFactory.getLog(JdbcLockNotifications.class);

    private final DataSource connections;

    private final ConcurrentHashMap<String, Signal> signals = new ConcurrentHashMap<>();

    private final Object backoff = new Object();

    private final Thread listener;

    private volatile boolean running = true;

    private volatile boolean listening;

    private volatile @Nullable Connection connection;

    /**
     * Starts listening on a connection of its own (kept for the life of this object,
     * reopened after failures).
     * @param connections where the listening connection comes from (a PostgreSQL data
     * source)
     */
    public JdbcLockNotifications(DataSource connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.listener = new Thread(this::listen, "filelock-jdbc-listener");
        this.listener.setDaemon(true);
        this.listener.start();
    }

    /**
     * Returns whether the listening connection is currently open and listening.
     * @return whether releases are being received
     */
    public boolean isListening() {
        return this.listening;
    }

    /**
     * Registers the caller as a waiter for the release of one row until the returned
     * waiter is closed.
     * @param payload the release's payload, {@link JdbcLockRepository#releasePayload}
     * @return the waiter
     */
    Waiter subscribe(String payload) {
        Signal signal = this.signals.compute(payload, (key, existing) -> {
            Signal result = (existing != null) ? existing : new Signal();
            result.users++;
            return result;
        });
        return new Waiter(payload, signal);
    }

    private void listen() {
        long delay = FIRST_BACKOFF_MILLIS;
        boolean reported = false;
        while (this.running) {
            try (Connection opened = this.connections.getConnection()) {
                this.connection = opened;
                opened.setAutoCommit(true);
                PGConnection postgres = opened.unwrap(PGConnection.class);
                try (Statement statement = opened.createStatement()) {
                    // Named so that an operator (and pg_stat_activity) can tell it from
                    // the lock's other sessions.
                    statement.execute("SET application_name TO '" + APPLICATION_NAME + "'");
                    statement.execute("LISTEN " + CHANNEL);
                }
                this.listening = true;
                delay = FIRST_BACKOFF_MILLIS;
                if (reported) {
                    logger.info("Listening again for lock releases on '" + CHANNEL + "'");
                    reported = false;
                }
                wakeAll();
                receive(opened, postgres);
                unlisten(opened);
            }
            catch (SQLException | RuntimeException ex) {
                if (!this.running) {
                    break;
                }
                if (!reported) {
                    logger.warn("Not listening for lock releases (waiters poll until the listener reconnects): " + ex);
                    reported = true;
                }
                else if (logger.isDebugEnabled()) {
                    logger.debug("Listener reconnection failed", ex);
                }
            }
            finally {
                this.listening = false;
                this.connection = null;
            }
            pause(delay);
            delay = Math.min(LAST_BACKOFF_MILLIS, delay * 2);
        }
    }

    private void receive(Connection opened, PGConnection postgres) throws SQLException {
        long lastAnswer = System.nanoTime();
        while (this.running) {
            PGNotification[] received = postgres.getNotifications(READ_MILLIS);
            if (received != null && received.length > 0) {
                lastAnswer = System.nanoTime();
                for (PGNotification notification : received) {
                    wake(notification.getParameter());
                }
            }
            else if (System.nanoTime() - lastAnswer > CHECK_NANOS) {
                // A frozen or unreachable server sends nothing and raises nothing: only a
                // statement notices.
                opened.setNetworkTimeout(DIRECT, (int) TimeUnit.NANOSECONDS.toMillis(CHECK_NANOS));
                try (Statement statement = opened.createStatement()) {
                    statement.execute("SELECT 1");
                }
                opened.setNetworkTimeout(DIRECT, 0);
                lastAnswer = System.nanoTime();
            }
        }
    }

    /** The connection goes back to a pool: it must not keep receiving releases there. */
    private static void unlisten(Connection opened) {
        try (Statement statement = opened.createStatement()) {
            statement.execute("UNLISTEN *");
            statement.execute("RESET application_name");
        }
        catch (SQLException ex) {
            logger.debug("UNLISTEN failed", ex);
        }
    }

    private void pause(long millis) {
        synchronized (this.backoff) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long left;
            while (this.running && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this.backoff, left);
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
        }
    }

    private void wake(String payload) {
        Signal signal = this.signals.get(payload);
        if (signal != null) {
            signal.fire();
        }
    }

    private void wakeAll() {
        this.signals.values().forEach(Signal::fire);
    }

    /**
     * Stops the listener thread and gives its connection back, within about one read of
     * notifications.
     */
    @Override
    public void close() {
        this.running = false;
        synchronized (this.backoff) {
            this.backoff.notifyAll();
        }
        try {
            this.listener.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        Connection open = this.connection;
        if (this.listener.isAlive() && open != null) {
            // Stuck in a read on a frozen server: closing the socket ends it.
            try {
                open.abort(DIRECT);
            }
            catch (SQLException ex) {
                logger.debug("Could not abort the listening connection", ex);
            }
        }
        wakeAll();
    }

    @Override
    public String toString() {
        return "JdbcLockNotifications[channel " + CHANNEL + ", " + (this.listening ? "listening" : "not listening")
                + "]";
    }

    /** The waiters of one row and the number of releases seen. */
    private static final class Signal {

        private int users;

        private long releases;

        synchronized void fire() {
            this.releases++;
            notifyAll();
        }

        synchronized long releases() {
            return this.releases;
        }

        synchronized void awaitAfter(long seen, long nanos) throws InterruptedException {
            long end = System.nanoTime() + nanos;
            long left;
            while (this.releases == seen && (left = end - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

    }

    /** One thread's registration as a waiter for a row, to close when its wait ends. */
    final class Waiter implements AutoCloseable {

        private final String payload;

        private final Signal signal;

        private Waiter(String payload, Signal signal) {
            this.payload = payload;
            this.signal = signal;
        }

        /**
         * The count of releases seen so far: read before an attempt, so a release during
         * it is not missed.
         */
        long releases() {
            return this.signal.releases();
        }

        /** Waits until a release after {@code seen} or until the time has passed. */
        void awaitRelease(long seen, Duration wait) throws InterruptedException {
            this.signal.awaitAfter(seen, wait.toNanos());
        }

        @Override
        public void close() {
            JdbcLockNotifications.this.signals.computeIfPresent(this.payload,
                    (key, existing) -> (--existing.users == 0) ? null : existing);
        }

    }

}
