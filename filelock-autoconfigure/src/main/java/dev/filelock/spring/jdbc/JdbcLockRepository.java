package dev.filelock.spring.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;

/**
 * A {@link LockRepository} on Spring Integration's {@code INT_LOCK} table whose expiry is
 * decided by the database's clock ({@code CURRENT_TIMESTAMP}, stored in UTC as Spring
 * Integration stores it), never by the host's, so a host with a skewed clock cannot take
 * a lock that is still held; the statements are PostgreSQL's (one atomic upsert per
 * attempt).
 *
 * <p>
 * Every statement runs on a connection of the lock's own pool with a network timeout:
 * what is left of the caller's wait when {@link JdbcLockBackend} set one, the time to
 * live otherwise (a statement slower than that is useless). So that Spring Integration's
 * retry loops, which spin on transient errors without sleeping, never see one, a failing
 * {@link #acquire} answers "not acquired" (the failure is kept for the timeout message)
 * and other failures are thrown as {@link DataAccessResourceFailureException}.
 *
 * @since 0.1
 */
public final class JdbcLockRepository implements LockRepository {

    private static final Executor DIRECT = Runnable::run;

    private static final String NOW = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";

    private static final ThreadLocal<@Nullable Attempt> ATTEMPT = new ThreadLocal<>();

    private final DataSource dataSource;

    private final DataSource renewalDataSource;

    private final String region;

    private final String clientId;

    private final Duration timeToLive;

    private final SQLExceptionTranslator translator = new SQLStateSQLExceptionTranslator();

    private final String acquireQuery;

    private final String renewQuery;

    private final String deleteQuery;

    private final String parkQuery;

    private final String isAcquiredQuery;

    private final String deleteExpiredQuery;

    private final String deleteAllQuery;

    private final String releasePrefix;

    /**
     * When the last successful acquisition or renewal of each row held by this client was
     * sent (nanoTime).
     */
    private final ConcurrentHashMap<String, Long> leaseStarts = new ConcurrentHashMap<>();

    /**
     * The fencing token of each row held by this client, from the acquisition that took
     * it.
     */
    private final ConcurrentHashMap<String, Long> fencingTokens = new ConcurrentHashMap<>();

    /**
     * The minimum hold (milliseconds) of each row held by this client that has one, the
     * largest asked while held.
     */
    private final ConcurrentHashMap<String, Long> minimumHolds = new ConcurrentHashMap<>();

    /**
     * Creates a repository with a random client id.
     * @param dataSource the lock's own connections, for acquisitions and releases
     * @param renewalDataSource connections for lease renewals only, so that waiting
     * threads never delay a renewal
     * @param tablePrefix the table name prefix, such as {@code INT_}
     * @param region the region of the rows
     * @param timeToLive the default time to live, also the bound of statements run
     * outside an acquisition
     */
    public JdbcLockRepository(DataSource dataSource, DataSource renewalDataSource, String tablePrefix, String region,
            Duration timeToLive) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.renewalDataSource = Objects.requireNonNull(renewalDataSource, "renewalDataSource");
        this.region = Objects.requireNonNull(region, "region");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        this.clientId = UUID.randomUUID().toString();
        String table = tablePrefix + "LOCK";
        this.acquireQuery = "INSERT INTO " + table + " (REGION, LOCK_KEY, CLIENT_ID, CREATED_DATE, EXPIRED_AFTER) "
                + "VALUES (?, ?, ?, " + NOW + ", " + NOW + " + ? * INTERVAL '1 millisecond') "
                + "ON CONFLICT (REGION, LOCK_KEY) DO UPDATE SET CLIENT_ID = EXCLUDED.CLIENT_ID, "
                // GREATEST: a nested acquisition of this client's own row never cuts
                // short a minimum hold it carries.
                + "CREATED_DATE = EXCLUDED.CREATED_DATE, EXPIRED_AFTER = GREATEST(" + table + ".EXPIRED_AFTER, "
                + "EXCLUDED.EXPIRED_AFTER) WHERE " + table + ".CLIENT_ID = EXCLUDED.CLIENT_ID OR " + table
                + ".EXPIRED_AFTER < EXCLUDED.CREATED_DATE"
                // Evaluated only for the row this statement wrote, while it holds the
                // row's lock: a later holder's
                // token is drawn after this holder's statement committed, so it is
                // larger.
                + " RETURNING nextval('" + fencingSequence(tablePrefix) + "')";
        // GREATEST: a renewal never shortens a lease that a minimum hold made longer than
        // the time to live.
        this.renewQuery = "UPDATE " + table + " SET EXPIRED_AFTER = GREATEST(EXPIRED_AFTER, " + NOW
                + " + ? * INTERVAL '1 millisecond') WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ?";
        // The release is announced in the deleting statement itself (delivered at its
        // commit), for waiters that listen.
        this.deleteQuery = "WITH RELEASED AS (DELETE FROM " + table
                + " WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ? RETURNING EXPIRED_AFTER >= " + NOW
                + " AS UNEXPIRED) SELECT UNEXPIRED, pg_notify('" + JdbcLockNotifications.CHANNEL
                + "', ?) FROM RELEASED";
        // A release before the minimum hold has passed parks the row instead: it stays
        // held, by a client id of no
        // process (so that not even this process takes it again), until its acquisition
        // (CREATED_DATE) plus the
        // minimum, in database time, without a notification; otherwise the row is deleted
        // and announced as above.
        String minimumEnd = "CREATED_DATE + ? * INTERVAL '1 millisecond'";
        this.parkQuery = "WITH PARKED AS (UPDATE " + table + " SET CLIENT_ID = ?, EXPIRED_AFTER = " + minimumEnd
                + " WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ? AND " + minimumEnd + " > " + NOW
                + " RETURNING TRUE AS UNEXPIRED), RELEASED AS (DELETE FROM " + table
                + " WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ? AND NOT EXISTS (SELECT 1 FROM PARKED)"
                + " RETURNING EXPIRED_AFTER >= " + NOW + " AS UNEXPIRED) SELECT UNEXPIRED, NULL FROM PARKED UNION ALL "
                + "SELECT UNEXPIRED, pg_notify('" + JdbcLockNotifications.CHANNEL + "', ?) FROM RELEASED";
        this.releasePrefix = table + ":" + region + ":";
        this.isAcquiredQuery = "SELECT COUNT(*) FROM " + table + " WHERE REGION = ? AND LOCK_KEY = ? AND CLIENT_ID = ? "
                + "AND EXPIRED_AFTER >= " + NOW;
        this.deleteExpiredQuery = "DELETE FROM " + table + " WHERE REGION = ? AND EXPIRED_AFTER < " + NOW;
        this.deleteAllQuery = "DELETE FROM " + table + " WHERE REGION = ? AND CLIENT_ID = ?";
    }

    /**
     * Returns the name of the PostgreSQL sequence that numbers acquisitions (fencing
     * tokens): {@code <prefix>LOCK_TOKEN_SEQ}.
     * @param tablePrefix the table name prefix, such as {@code INT_}
     * @return the sequence's name
     */
    public static String fencingSequence(String tablePrefix) {
        return tablePrefix + "LOCK_TOKEN_SEQ";
    }

    /**
     * Returns the fencing token of a row this client holds: a number drawn from
     * {@link #fencingSequence} by the acquisition that took the row, larger than that of
     * every earlier acquisition of any key.
     * @param row the row's key
     * @return the token, or {@code null} if this repository does not hold the row
     */
    @Nullable Long fencingToken(String row) {
        return this.fencingTokens.get(row);
    }

    /**
     * Returns the client id that marks this repository's rows.
     * @return the client id
     */
    public String clientId() {
        return this.clientId;
    }

    /**
     * Returns the payload of the {@value JdbcLockNotifications#CHANNEL} notification sent
     * when a row is released: the table, the region and the row's key, so that only the
     * waiters of that very row are woken.
     * @param row the row's key (the UUID {@link JdbcLockRegistry} derives from a lock
     * key)
     * @return the payload
     */
    public String releasePayload(String row) {
        return this.releasePrefix + row;
    }

    /**
     * Returns the default time to live.
     * @return the time to live
     */
    public Duration timeToLive() {
        return this.timeToLive;
    }

    /**
     * Bounds the statements this thread runs until the returned attempt is closed by a
     * wait of the given length, so that an acquisition ends within its timeout while the
     * database is slow or down; the first statement always gets at least
     * {@code minimumAttempt}, so that a zero timeout still makes one attempt.
     * @param timeout the caller's wait; negative for no bound (statements are then
     * bounded by the time to live)
     * @param minimumAttempt the time the first statement may take even when the wait is
     * shorter
     * @return the attempt, to close when the acquisition returns
     */
    Attempt beginAttempt(Duration timeout, Duration minimumAttempt) {
        return beginAttempt(timeout, minimumAttempt, Duration.ZERO);
    }

    /**
     * Bounds the statements this thread runs as {@link #beginAttempt(Duration, Duration)}
     * does, and makes the row it takes stay held at least {@code minimumHold} from its
     * acquisition in database time, even if this process dies or releases it earlier
     * ({@link dev.filelock.spring.FileLocked#holdAtLeast()}).
     * @param timeout the caller's wait; negative for no bound
     * @param minimumAttempt the time the first statement may take even when the wait is
     * shorter
     * @param minimumHold the minimum hold of the row taken; zero for none
     * @return the attempt, to close when the acquisition returns
     */
    Attempt beginAttempt(Duration timeout, Duration minimumAttempt, Duration minimumHold) {
        Attempt attempt = new Attempt(!timeout.isNegative(), System.nanoTime() + Math.max(0, timeout.toNanos()),
                minimumAttempt.toNanos(), minimumHold.toMillis());
        ATTEMPT.set(attempt);
        return attempt;
    }

    /**
     * Returns when the lease of a row held by this client was last known to start: the
     * moment its last successful acquisition or renewal was sent, by
     * {@link System#nanoTime()} (the database's expiry is at least that plus the time to
     * live).
     * @param row the row's key
     * @return the time, or {@code null} if this repository does not hold the row
     */
    @Nullable Long leaseStart(String row) {
        return this.leaseStarts.get(row);
    }

    @Override
    @SuppressWarnings("deprecation") // Spring Integration's registry still calls it
    public boolean acquire(String lock) {
        return acquire(lock, this.timeToLive);
    }

    @Override
    public boolean acquire(String lock, Duration ttl) {
        Attempt attempt = ATTEMPT.get();
        long unbounded = System.nanoTime() + this.timeToLive.toNanos();
        long deadline = (attempt != null) ? attempt.statementDeadline(unbounded) : unbounded;
        if (deadline - System.nanoTime() <= 0) {
            return false;
        }
        long minimumHold = (attempt != null) ? attempt.minimumHoldMillis : 0;
        long sent = System.nanoTime();
        try {
            // A minimum hold longer than the time to live is in the row from the start: a
            // holder that dies inside the
            // method cannot let the row lapse before it.
            Long token = run(this.acquireQuery, deadline, (statement) -> {
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : null;
                }
            }, this.region, lock, this.clientId, Math.max(ttl.toMillis(), minimumHold));
            if (attempt != null) {
                attempt.failure = null;
            }
            if (token != null) {
                this.fencingTokens.put(lock, token);
                this.leaseStarts.put(lock, sent);
                if (minimumHold > 0) {
                    this.minimumHolds.merge(lock, minimumHold, Math::max);
                }
            }
            return token != null;
        }
        catch (UnansweredException ex) {
            if (attempt == null) {
                throw ex;
            }
            attempt.failure = ex;
            return false;
        }
    }

    @Override
    @SuppressWarnings("deprecation") // Spring Integration's registry still calls it
    public boolean renew(String lock) {
        return renew(lock, this.timeToLive);
    }

    @Override
    public boolean renew(String lock, Duration ttl) {
        return renew(lock, ttl, System.nanoTime() + this.timeToLive.toNanos());
    }

    /**
     * Extends the row's lease by the time to live from the database's now, if this client
     * holds it.
     * @param lock the row's key
     * @param ttl the time to live
     * @param deadline the statement's bound, by {@link System#nanoTime()}
     * @return whether the row was this client's
     * @throws DataAccessResourceFailureException if the database did not answer by the
     * deadline
     */
    boolean renew(String lock, Duration ttl, long deadline) {
        long sent = System.nanoTime();
        Integer count = run(this.renewalDataSource, this.renewQuery, deadline, PreparedStatement::executeUpdate,
                ttl.toMillis(), this.region, lock, this.clientId);
        boolean renewed = count != null && count > 0;
        if (renewed) {
            this.leaseStarts.put(lock, sent);
        }
        else {
            this.leaseStarts.remove(lock);
        }
        return renewed;
    }

    /**
     * Deletes this client's row, also when its lease expired; a row taken with a minimum
     * hold that has not passed yet is parked instead (kept held, by no process, until its
     * acquisition plus the minimum in database time).
     * @return {@code false} when the row was not this client's or had expired (another
     * process may have held the lock)
     */
    @Override
    public boolean delete(String lock) {
        this.leaseStarts.remove(lock);
        this.fencingTokens.remove(lock);
        Long minimumHold = this.minimumHolds.remove(lock);
        long deadline = System.nanoTime() + this.timeToLive.toNanos();
        Statement<Boolean> released = (statement) -> {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        };
        Boolean unexpired = (minimumHold == null)
                ? run(this.deleteQuery, deadline, released, this.region, lock, this.clientId, releasePayload(lock))
                : run(this.parkQuery, deadline, released, UUID.randomUUID().toString(), minimumHold, this.region, lock,
                        this.clientId, minimumHold, this.region, lock, this.clientId, releasePayload(lock));
        return Boolean.TRUE.equals(unexpired);
    }

    @Override
    public boolean isAcquired(String lock) {
        Integer count = run(this.isAcquiredQuery, System.nanoTime() + this.timeToLive.toNanos(), (statement) -> {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }, this.region, lock, this.clientId);
        return count != null && count > 0;
    }

    @Override
    public void deleteExpired() {
        update(this.deleteExpiredQuery, System.nanoTime() + this.timeToLive.toNanos(), this.region);
    }

    /**
     * Checks that the lock database answers within the time.
     * @param timeout the bound
     * @throws DataAccessResourceFailureException if it does not
     */
    public void ping(Duration timeout) {
        run("SELECT 1", System.nanoTime() + timeout.toNanos(), PreparedStatement::execute);
    }

    /**
     * Deletes every row of this client, as Spring Integration's repository does on
     * shutdown.
     */
    @Override
    public void close() {
        this.leaseStarts.clear();
        this.fencingTokens.clear();
        this.minimumHolds.clear();
        update(this.deleteAllQuery, System.nanoTime() + this.timeToLive.toNanos(), this.region, this.clientId);
    }

    private int update(String sql, long deadline, Object... arguments) {
        Integer count = run(sql, deadline, PreparedStatement::executeUpdate, arguments);
        return (count != null) ? count : 0;
    }

    private <T> @Nullable T run(String sql, long deadline, Statement<T> work, Object... arguments) {
        return run(this.dataSource, sql, deadline, work, arguments);
    }

    private <T> @Nullable T run(DataSource connections, String sql, long deadline, Statement<T> work,
            Object... arguments) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (millis <= 0) {
            throw new UnansweredException("no time was left for the statement", new SQLException("deadline passed"));
        }
        // The network timeout, unlike a query timeout, also ends a wait on a server that
        // is frozen or unreachable.
        try (Connection connection = connections.getConnection()) {
            connection.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis)));
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < arguments.length; i++) {
                    statement.setObject(i + 1, arguments[i]);
                }
                return work.run(statement);
            }
        }
        catch (SQLException ex) {
            DataAccessException translated = this.translator.translate("lock statement", sql, ex);
            if (!unanswered(ex)) {
                // An answer that is an error (a missing table, say) is final: no retry
                // until the timeout.
                throw (translated instanceof NonTransientDataAccessException nonTransient) ? nonTransient
                        : new UncategorizedSQLException("lock statement", sql, ex);
            }
            throw new UnansweredException(ex.getMessage(), (translated != null) ? translated : ex);
        }
    }

    /**
     * Whether the database did not answer (down, frozen, unreachable, cancelled, shutting
     * down) or asked to retry.
     */
    private static boolean unanswered(SQLException ex) {
        String state = ex.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("40")
                || ex instanceof SQLTransientException || ex instanceof SQLRecoverableException;
    }

    /**
     * The lock database did not answer a statement in time (or asked for a retry);
     * non-transient, so that Spring Integration's loops never spin on it.
     */
    static final class UnansweredException extends DataAccessResourceFailureException {

        private static final long serialVersionUID = 1L;

        UnansweredException(@Nullable String message, Throwable cause) {
            super("The lock database did not answer: " + message, cause);
        }

    }

    @FunctionalInterface
    private interface Statement<T> {

        @Nullable T run(PreparedStatement statement) throws SQLException;

    }

    /**
     * The bound of one acquisition's statements, the minimum hold of the row it takes,
     * and its last database failure.
     */
    static final class Attempt implements AutoCloseable {

        private final boolean bounded;

        private final long deadline;

        private final long minimumNanos;

        private final long minimumHoldMillis;

        private boolean first = true;

        @Nullable DataAccessException failure;

        Attempt(boolean bounded, long deadline, long minimumNanos, long minimumHoldMillis) {
            this.bounded = bounded;
            this.deadline = deadline;
            this.minimumNanos = minimumNanos;
            this.minimumHoldMillis = minimumHoldMillis;
        }

        /**
         * The statement's deadline: the wait's, or {@code unbounded} for an endless wait.
         */
        long statementDeadline(long unbounded) {
            if (!this.bounded) {
                return unbounded;
            }
            if (this.first) {
                this.first = false;
                long minimum = System.nanoTime() + this.minimumNanos;
                return (minimum - this.deadline > 0) ? minimum : this.deadline;
            }
            return this.deadline;
        }

        /** The failure of the last statement, if the database did not answer it. */
        @Nullable DataAccessException failure() {
            return this.failure;
        }

        @Override
        public void close() {
            ATTEMPT.remove();
        }

    }

    @Override
    public String toString() {
        return "JdbcLockRepository[region " + this.region + ", client " + this.clientId + ", "
                + JdbcLockRegistry.class.getSimpleName() + " rows, database time]";
    }

}
