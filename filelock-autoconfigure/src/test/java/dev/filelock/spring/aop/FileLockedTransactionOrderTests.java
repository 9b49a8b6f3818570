package dev.filelock.spring.aop;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests that the {@link FileLockedAdvisor} runs outside {@code @Transactional} on an
 * embedded database: the lock is taken before the transaction begins and released after
 * it ends.
 */
@SpringBootTest
class FileLockedTransactionOrderTests {

    @TempDir
    static Path directory;

    @Autowired
    private OrderService orders;

    @Autowired
    private TransactionProbe probe;

    @Autowired
    private JdbcTemplate jdbc;

    @DynamicPropertySource
    static void lockDirectory(DynamicPropertyRegistry properties) {
        properties.add("filelock.directory", () -> directory.toString());
    }

    @BeforeEach
    void createTable() {
        this.jdbc.execute("create table if not exists orders (id varchar(20) primary key)");
        this.jdbc.execute("delete from orders");
        this.probe.events.clear();
    }

    @Test
    void holdsTheLockFromBeforeTheTransactionBeginsUntilAfterItCommits() {
        this.orders.insert("1");
        assertThat(this.probe.events).containsExactly("beforeBegin lock=held", "inside lock=held transaction=true",
                "beforeCommit lock=held", "afterCommit lock=held");
        assertThat(this.probe.isLockBusy()).isFalse();
        assertThat(this.jdbc.queryForObject("select count(*) from orders", Integer.class)).isOne();
    }

    @Test
    void holdsTheLockUntilAfterTheTransactionRollsBack() {
        assertThatIllegalStateException().isThrownBy(() -> this.orders.insertAndFail("2")).withMessage("rollback");
        assertThat(this.probe.events).containsExactly("beforeBegin lock=held", "inside lock=held transaction=true",
                "beforeRollback lock=held", "afterRollback lock=held");
        assertThat(this.probe.isLockBusy()).isFalse();
        assertThat(this.jdbc.queryForObject("select count(*) from orders", Integer.class)).isZero();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {

        @Bean
        TransactionProbe transactionProbe(ObjectProvider<FileLockRegistry> registry) {
            return new TransactionProbe(registry);
        }

        @Bean
        OrderService orderService(JdbcTemplate jdbc, TransactionProbe probe) {
            return new OrderService(jdbc, probe);
        }

    }

    /**
     * Records, at each step of a transaction, whether the order lock is held (seen from
     * another thread).
     */
    static class TransactionProbe implements TransactionExecutionListener {

        static final String KEY = "orders/all.lock";

        final List<String> events = new CopyOnWriteArrayList<>();

        private final ObjectProvider<FileLockRegistry> registry;

        TransactionProbe(ObjectProvider<FileLockRegistry> registry) {
            this.registry = registry;
        }

        @Override
        public void beforeBegin(TransactionExecution transaction) {
            record("beforeBegin");
        }

        @Override
        public void beforeCommit(TransactionExecution transaction) {
            record("beforeCommit");
        }

        @Override
        public void afterCommit(TransactionExecution transaction, @Nullable Throwable commitFailure) {
            record("afterCommit");
        }

        @Override
        public void beforeRollback(TransactionExecution transaction) {
            record("beforeRollback");
        }

        @Override
        public void afterRollback(TransactionExecution transaction, @Nullable Throwable rollbackFailure) {
            record("afterRollback");
        }

        void recordInside() {
            this.events.add("inside lock=" + (isLockBusy() ? "held" : "free") + " transaction="
                    + TransactionSynchronizationManager.isActualTransactionActive());
        }

        boolean isLockBusy() {
            return CompletableFuture.supplyAsync(() -> {
                Lock lock = this.registry.getObject().obtain(KEY);
                if (lock.tryLock()) {
                    lock.unlock();
                    return false;
                }
                return true;
            }).join();
        }

        private void record(String step) {
            this.events.add(step + " lock=" + (isLockBusy() ? "held" : "free"));
        }

    }

    public static class OrderService {

        private final JdbcTemplate jdbc;

        private final TransactionProbe probe;

        public OrderService(JdbcTemplate jdbc, TransactionProbe probe) {
            this.jdbc = jdbc;
            this.probe = probe;
        }

        @FileLocked(path = TransactionProbe.KEY)
        @Transactional
        public void insert(String id) {
            this.probe.recordInside();
            this.jdbc.update("insert into orders (id) values (?)", id);
        }

        @FileLocked(path = TransactionProbe.KEY)
        @Transactional
        public void insertAndFail(String id) {
            this.probe.recordInside();
            this.jdbc.update("insert into orders (id) values (?)", id);
            throw new IllegalStateException("rollback");
        }

    }

}
