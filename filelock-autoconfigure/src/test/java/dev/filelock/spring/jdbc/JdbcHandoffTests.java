package dev.filelock.spring.jdbc;

import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the handoff of a released lock to a waiter of another client (another
 * registry, repository and client id on the same database, as another JVM would be)
 * through PostgreSQL's {@code LISTEN}/{@code NOTIFY}, with polling as the fallback.
 */
@SuppressWarnings("try") // a scope or a held resource that the body does not name
class JdbcHandoffTests {

    /**
     * So long that a waiter woken within {@link #HANDOFF_BOUND} can only have been woken
     * by the release.
     */
    private static final String SLOW_POLL = "filelock.poll-interval=10s";

    private static final Duration HANDOFF_BOUND = Duration.ofSeconds(5);

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    private final ExecutorService waiters = Executors.newCachedThreadPool();

    @TempDir
    Path directory;

    @AfterEach
    void stopWaiters() throws InterruptedException {
        this.waiters.shutdownNow();
        assertThat(this.waiters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory);
    }

    @Test
    void aWaiterOfAnotherClientTakesTheLockAtItsReleaseNotAtItsNextPoll() {
        contextRunner().withPropertyValues(SLOW_POLL)
            .run((holderContext) -> contextRunner().withPropertyValues(SLOW_POLL).run((waiterContext) -> {
                JdbcLockBackend holder = holderContext.getBean(JdbcLockBackend.class);
                JdbcLockBackend waiter = waiterContext.getBean(JdbcLockBackend.class);
                awaitListening(holderContext.getBean(JdbcLockNotifications.class),
                        waiterContext.getBean(JdbcLockNotifications.class));
                assertHandoffWithin(HANDOFF_BOUND, holder, waiter, "jobs/1.lock");
            }));
    }

    @Test
    void aListenerWhoseConnectionIsKilledReconnectsAndWakesWaitersAgain() {
        contextRunner().withPropertyValues(SLOW_POLL)
            .run((holderContext) -> contextRunner().withPropertyValues(SLOW_POLL).run((waiterContext) -> {
                JdbcLockNotifications listener = waiterContext.getBean(JdbcLockNotifications.class);
                awaitListening(holderContext.getBean(JdbcLockNotifications.class), listener);
                JdbcTemplate admin = admin();
                List<Integer> killed = listenerPids(admin);
                assertThat(killed).hasSize(2);
                admin.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ("
                        + String.join(",", killed.stream().map(String::valueOf).toList()) + ")");
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    List<Integer> now = listenerPids(admin);
                    return now.size() == 2 && now.stream().noneMatch(killed::contains);
                });
                awaitListening(listener);
                assertHandoffWithin(HANDOFF_BOUND, holderContext.getBean(JdbcLockBackend.class),
                        waiterContext.getBean(JdbcLockBackend.class), "jobs/2.lock");
            }));
    }

    @Test
    void theListenerReconnectsAfterTheServerRestarts() {
        PostgresCluster cluster = PostgresCluster.require("stops and restarts the server");
        contextRunner().withPropertyValues(SLOW_POLL)
            .run((holderContext) -> contextRunner().withPropertyValues(SLOW_POLL).run((waiterContext) -> {
                JdbcLockNotifications holderListener = holderContext.getBean(JdbcLockNotifications.class);
                JdbcLockNotifications waiterListener = waiterContext.getBean(JdbcLockNotifications.class);
                awaitListening(holderListener, waiterListener);
                cluster.halt();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> !waiterListener.isListening());
                }
                finally {
                    cluster.resume();
                }
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> waiterListener.isListening() && holderListener.isListening());
                assertHandoffWithin(HANDOFF_BOUND, holderContext.getBean(JdbcLockBackend.class),
                        waiterContext.getBean(JdbcLockBackend.class), "jobs/4.lock");
            }));
    }

    @Test
    void withoutAListenerWaitersStillTakeTheLockAtTheirNextPoll() {
        // The waiter's listener can never connect (nothing listens on that port): only
        // polling can hand the lock over.
        DataSource nowhere = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
        contextRunner().run((holderContext) -> contextRunner().withPropertyValues("filelock.jdbc.listen=false")
            .withPropertyValues("filelock.poll-interval=200ms")
            .run((waiterContext) -> {
                JdbcLockBackend waiter = waiterContext.getBean(JdbcLockBackend.class);
                try (JdbcLockNotifications broken = new JdbcLockNotifications(nowhere)) {
                    waiter.setReleaseNotifications(broken, Duration.ofMillis(200));
                    assertThat(broken.isListening()).isFalse();
                    assertHandoffWithin(HANDOFF_BOUND, holderContext.getBean(JdbcLockBackend.class), waiter,
                            "jobs/3.lock");
                }
            }));
    }

    @Test
    void theListenerThreadAndItsConnectionEndWithTheContext() {
        JdbcTemplate admin = admin();
        AtomicReference<JdbcLockNotifications> listener = new AtomicReference<>();
        contextRunner().run((context) -> {
            listener.set(context.getBean(JdbcLockNotifications.class));
            awaitListening(listener.get());
            assertThat(listenerThreads()).isPositive();
            assertThat(listenerSessions(admin)).isPositive();
        });
        assertThat(listener.get().isListening()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> listenerThreads() == 0 && listenerSessions(admin) == 0);
    }

    private void assertHandoffWithin(Duration bound, JdbcLockBackend holder, JdbcLockBackend waiter, String key)
            throws Exception {
        LockHold held = holder.acquire(key, LockMode.WRITE, Duration.ZERO);
        AtomicReference<Thread> waiting = new AtomicReference<>();
        Future<Long> taken = this.waiters.submit(() -> {
            waiting.set(Thread.currentThread());
            try (LockHold hold = waiter.acquire(key, LockMode.WRITE, Duration.ofSeconds(60))) {
                return System.nanoTime();
            }
        });
        // Its first attempt failed: the waiter now sleeps until a release or its next
        // poll.
        await().atMost(Duration.ofSeconds(10))
            .until(() -> waiting.get() != null && waiting.get().getState() == Thread.State.TIMED_WAITING);
        long released = System.nanoTime();
        held.close();
        long acquired = taken.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(acquired - released)).isLessThan(bound);
    }

    private static void awaitListening(JdbcLockNotifications... listeners) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JdbcLockNotifications listener : listeners) {
                if (!listener.isListening()) {
                    return false;
                }
            }
            return true;
        });
    }

    private JdbcTemplate admin() {
        return new JdbcTemplate(
                new DriverManagerDataSource(this.database.url(), this.database.user(), this.database.password()));
    }

    private static List<Integer> listenerPids(JdbcTemplate admin) {
        return admin.queryForList("SELECT pid FROM pg_stat_activity WHERE application_name = ?", Integer.class,
                JdbcLockNotifications.APPLICATION_NAME);
    }

    private static int listenerSessions(JdbcTemplate admin) {
        Integer sessions = admin.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?",
                Integer.class, JdbcLockNotifications.APPLICATION_NAME);
        return (sessions != null) ? sessions : 0;
    }

    private static long listenerThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.getName().equals("filelock-jdbc-listener") && thread.isAlive())
            .count();
    }

}
