package dev.filelock.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.jdbc.JdbcLockBackend;
import dev.filelock.spring.jdbc.JdbcLockNotifications;
import dev.filelock.spring.jdbc.JdbcLockRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * One lock client of the jdbc rows on the PostgreSQL server named by
 * {@code FILELOCK_POSTGRES_URL}, {@code _USER} and {@code _PASSWORD} (what
 * {@code .ci/postgres.sh start} prints, as for the tests): ours (the starter's
 * {@link JdbcLockBackend} with its listener of releases, built as the auto-configuration
 * builds it) or the anchor (Spring Integration's {@link JdbcLockRegistry} on its
 * {@link DefaultLockRepository}, defaults untouched).
 */
final class JdbcClient implements AutoCloseable {

    /** The poll interval of ours: {@code filelock.poll-interval}'s default. */
    static final Duration OURS_POLL = Duration.ofMillis(50);

    private final List<AutoCloseable> resources = new ArrayList<>();

    private final Exclusive lock;

    private JdbcClient(Kind kind, String region, Path directory, String key) {
        if (kind == Kind.OURS) {
            HikariDataSource locks = pool("filelock-jdbc", 4);
            HikariDataSource renewals = pool("filelock-jdbc-renewal", 2);
            HikariDataSource listener = pool("filelock-jdbc-listener", 1);
            JdbcLockRepository repository = new JdbcLockRepository(locks, renewals, "INT_", region,
                    JdbcLockRegistry.DEFAULT_TTL);
            JdbcLockRegistry registry = new JdbcLockRegistry(repository, JdbcLockRegistry.DEFAULT_TTL);
            registry.setIdleBetweenTries(OURS_POLL);
            JdbcLockNotifications releases = new JdbcLockNotifications(listener);
            JdbcLockBackend backend = new JdbcLockBackend(registry, repository, directory, true,
                    LockRegistryBackend.LeaseKeeper.NONE, Duration.ofSeconds(1));
            backend.setReleaseNotifications(releases, OURS_POLL);
            this.resources.addAll(List.of(locks, renewals, listener, repository, releases, backend));
            this.lock = new BackendLock(backend, key);
        }
        else {
            HikariDataSource connections = pool("anchor", 4);
            DefaultLockRepository repository = new DefaultLockRepository(connections);
            repository.setRegion(region);
            repository.setTransactionManager(new DataSourceTransactionManager(connections));
            repository.afterPropertiesSet();
            repository.afterSingletonsInstantiated();
            this.resources.addAll(List.of(connections, repository));
            this.lock = Exclusive.of(new JdbcLockRegistry(repository).obtain(key));
        }
    }

    /** Which client. */
    enum Kind {

        /** The starter's backend, woken by releases. */
        OURS,
        /**
         * Spring Integration's registry used directly (polls every 100 ms, its default).
         */
        ANCHOR;

        static Kind parse(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }

    }

    static JdbcClient open(Kind kind, String region, Path directory, String key) {
        return new JdbcClient(kind, region, directory, key);
    }

    /**
     * Whether the server is configured; the rows are skipped (or fail under
     * {@code CI=true}) when it is not.
     */
    static boolean configured() {
        String url = System.getenv("FILELOCK_POSTGRES_URL");
        return url != null && !url.isBlank();
    }

    static HikariDataSource pool(String name, int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(System.getenv("FILELOCK_POSTGRES_URL"));
        pool.setUsername(envOr("FILELOCK_POSTGRES_USER", "filelock"));
        pool.setPassword(envOr("FILELOCK_POSTGRES_PASSWORD", ""));
        pool.setPoolName(name);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(1);
        return pool;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return (value != null) ? value : fallback;
    }

    Exclusive lock() {
        return this.lock;
    }

    @Override
    public void close() {
        for (int i = this.resources.size() - 1; i >= 0; i--) {
            try {
                this.resources.get(i).close();
            }
            catch (Exception e) {
                System.err.println("closing " + this.resources.get(i) + ": " + e);
            }
        }
    }

    /**
     * The backend's hold of one key, taken and released by the calling thread as
     * {@code @FileLocked} does.
     */
    private static final class BackendLock implements Exclusive {

        private final JdbcLockBackend backend;

        private final String key;

        private @Nullable LockHold hold;

        BackendLock(JdbcLockBackend backend, String key) {
            this.backend = backend;
            this.key = key;
        }

        @Override
        public void lock() {
            this.hold = this.backend.acquire(this.key, LockMode.WRITE, Duration.ofMinutes(1));
        }

        @Override
        public void unlock() {
            LockHold held = this.hold;
            if (held == null) {
                throw new IllegalStateException("unlock() without lock() on '" + this.key + "'");
            }
            held.close();
            this.hold = null;
        }

    }

}
