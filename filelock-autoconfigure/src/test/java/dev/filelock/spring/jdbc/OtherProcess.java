package dev.filelock.spring.jdbc;

import java.time.Duration;
import java.util.concurrent.locks.Lock;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A second lock client on the same database and region, with its own connection and
 * client id: to the store, it is another process.
 */
public final class OtherProcess implements AutoCloseable {

    private final SingleConnectionDataSource dataSource;

    private final DefaultLockRepository repository;

    private final JdbcLockRegistry registry;

    /**
     * Connects a new client.
     * @param database the server
     * @param region the lock region
     */
    public OtherProcess(PostgresDatabase database, String region) {
        this.dataSource = new SingleConnectionDataSource(database.url(), database.user(), database.password(), true);
        this.repository = new DefaultLockRepository(this.dataSource);
        this.repository.setRegion(region);
        this.repository.setTransactionManager(new DataSourceTransactionManager(this.dataSource));
        this.repository.afterPropertiesSet();
        this.repository.afterSingletonsInstantiated();
        this.registry = new JdbcLockRegistry(this.repository, Duration.ofSeconds(30));
    }

    /**
     * Returns this client's lock of a key.
     * @param key the registry key
     * @return the lock
     */
    public Lock lock(String key) {
        return this.registry.obtain(key);
    }

    /**
     * Tries once to take the key's lock, releasing it at once when taken.
     * @param key the registry key
     * @return whether the lock was free
     */
    public boolean canLock(String key) {
        Lock lock = lock(key);
        if (!lock.tryLock()) {
            return false;
        }
        lock.unlock();
        return true;
    }

    @Override
    public void close() {
        this.repository.close();
        this.dataSource.destroy();
    }

}
