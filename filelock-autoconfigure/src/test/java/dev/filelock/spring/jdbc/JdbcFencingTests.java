package dev.filelock.spring.jdbc;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLockAssert;
import dev.filelock.spring.FileLockContext;
import dev.filelock.spring.FileLockLeaseLostException;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import dev.filelock.spring.autoconfigure.FileLockJdbcAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Fencing tokens, {@link FileLockContext#assertHeld()} and {@code filelock.jdbc.max-hold}
 * on the jdbc backend, against a real PostgreSQL; two application contexts stand for two
 * processes (each has its own registry, pool and client id).
 */
class JdbcFencingTests {

    private final PostgresDatabase database = PostgresDatabase.require();

    private final String region = PostgresDatabase.newRegion();

    @TempDir
    Path directory;

    private SingleConnectionDataSource direct;

    private JdbcTemplate sql;

    @BeforeEach
    void connect() {
        this.direct = new SingleConnectionDataSource(this.database.url(), this.database.user(),
                this.database.password(), true);
        this.sql = new JdbcTemplate(this.direct);
        this.sql.execute("create table if not exists fenced_store (id varchar(200) primary key, value varchar(100), "
                + "token bigint not null)");
    }

    @AfterEach
    void disconnect() {
        this.sql.update("delete from fenced_store where id like ?", this.region + "%");
        this.direct.destroy();
    }

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    FileLockJdbcAutoConfiguration.class, FileLockAutoConfiguration.class))
            .withPropertyValues(this.database.properties(this.region).toArray(String[]::new))
            .withPropertyValues("filelock.backend=jdbc", "filelock.directory=" + this.directory)
            .withBean(FencedJobs.class);
    }

    @Test
    void tokensStrictlyIncreaseWhenTwoRegistriesTakeTheSameKeyInTurn() {
        contextRunner().run((first) -> contextRunner().run((second) -> {
            FencedJobs one = first.getBean(FencedJobs.class);
            FencedJobs other = second.getBean(FencedJobs.class);
            List<Long> tokens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tokens.add(one.token("shared"));
                tokens.add(other.token("shared"));
            }
            tokens.add(one.tokenHeldAtLeast("shared"));
            for (int i = 1; i < tokens.size(); i++) {
                assertThat(tokens.get(i)).as("token %s of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
            }
        }));
    }

    @Test
    void aStaleHoldersWriteIsRefusedAndItLearnsThatItsLeaseIsLost() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=2s")
            .run((first) -> contextRunner().run((second) -> {
                String item = this.region + "/item";
                CountDownLatch staleHolds = new CountDownLatch(1);
                CountDownLatch nextWrote = new CountDownLatch(1);
                AtomicLong staleToken = new AtomicLong();
                AtomicReference<Throwable> staleAssert = new AtomicReference<>();
                AtomicBoolean heldBefore = new AtomicBoolean();
                AtomicBoolean staleWriteApplied = new AtomicBoolean(true);
                CompletableFuture<Void> stale = CompletableFuture
                    .runAsync(() -> first.getBean(FencedJobs.class).run("fenced", () -> {
                        FileLockContext lock = FileLockContext.current();
                        staleToken.set(lock.fencingToken());
                        heldBefore.set(lock.isHeld());
                        FileLockAssert.assertHeld();
                        staleHolds.countDown();
                        await("the next holder's write").atMost(Duration.ofSeconds(20))
                            .until(() -> nextWrote.getCount() == 0);
                        staleWriteApplied.set(write(item, "stale", lock.fencingToken()));
                        // The next renewal finds the row taken.
                        await("the lease is known lost").atMost(Duration.ofSeconds(10)).until(() -> !lock.isHeld());
                        staleAssert.set(catchThrowable(FileLockAssert::assertHeld));
                    }));
                await().atMost(Duration.ofSeconds(20)).until(() -> staleHolds.getCount() == 0);
                AtomicLong nextToken = new AtomicLong();
                // A pause longer than the lease, as the next holder sees it: the row is
                // expired in the database (again
                // if a renewal of the stale holder came in between).
                await("the next holder takes the expired row").atMost(Duration.ofSeconds(20))
                    .ignoreException(FileLockTimeoutException.class)
                    .until(() -> {
                        int expired = this.sql.update(
                                "update int_lock set expired_after = expired_after - "
                                        + "interval '1 hour' where region = ? and lock_key = ?",
                                this.region, UUIDConverter.getUUID("jobs/fenced.lock").toString());
                        assertThat(expired).isOne();
                        second.getBean(FencedJobs.class).run("fenced", () -> {
                            nextToken.set(FileLockContext.current().fencingToken());
                            assertThat(write(item, "next", nextToken.get())).as("the next holder's write").isTrue();
                        });
                        return true;
                    });
                nextWrote.countDown();
                Throwable released = catchThrowable(() -> stale.get(30, TimeUnit.SECONDS));
                assertThat(heldBefore).isTrue();
                assertThat(staleToken.get()).isLessThan(nextToken.get());
                assertThat(staleWriteApplied).as("the stale holder's write was applied").isFalse();
                assertThat(this.sql.queryForObject("select value from fenced_store where id = ?", String.class, item))
                    .isEqualTo("next");
                assertThat(staleAssert.get()).isInstanceOf(FileLockLeaseLostException.class)
                    .hasMessageContaining("'jobs/fenced.lock'");
                assertThat(released).hasRootCauseInstanceOf(ConcurrentModificationException.class);
            }));
    }

    @Test
    void theMaximumHoldStopsRenewalsSoThatAnotherClientTakesTheLockAndTheHolderIsTold() {
        contextRunner().withPropertyValues("filelock.jdbc.time-to-live=2s", "filelock.jdbc.max-hold=1s")
            .run((first) -> contextRunner().run((second) -> {
                FencedJobs other = second.getBean(FencedJobs.class);
                CountDownLatch holding = new CountDownLatch(1);
                CountDownLatch taken = new CountDownLatch(1);
                AtomicBoolean heldWhenTaken = new AtomicBoolean(true);
                CompletableFuture<Void> holder = CompletableFuture
                    .runAsync(() -> first.getBean(FencedJobs.class).run("long", () -> {
                        holding.countDown();
                        try {
                            // Runs well past the maximum hold (and the time to live)
                            // until the other client has it.
                            assertThat(taken.await(30, TimeUnit.SECONDS)).as("taken by the other client").isTrue();
                        }
                        catch (InterruptedException ex) {
                            throw new IllegalStateException(ex);
                        }
                        heldWhenTaken.set(FileLockContext.current().isHeld());
                    }));
                await().atMost(Duration.ofSeconds(20)).until(() -> holding.getCount() == 0);
                assertThatExceptionOfType(FileLockTimeoutException.class).as("held at first")
                    .isThrownBy(() -> other.run("long", () -> {
                    }));
                await("the other client takes the lock").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreException(FileLockTimeoutException.class)
                    .until(() -> {
                        other.run("long", taken::countDown);
                        return true;
                    });
                Throwable released = catchThrowable(() -> holder.get(30, TimeUnit.SECONDS));
                assertThat(heldWhenTaken).as("the holder believed it still held the lock").isFalse();
                assertThat(released).hasRootCauseInstanceOf(ConcurrentModificationException.class)
                    .rootCause()
                    .hasMessageContaining("filelock.jdbc.max-hold");
            }));
    }

    @Test
    void aNonPositiveMaximumHoldIsRefusedNamingTheProperty() {
        contextRunner().withPropertyValues("filelock.jdbc.max-hold=0s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("filelock.jdbc.max-hold"));
    }

    @Test
    void aMissingFencingTokenSequenceFailsTheStartupNamingIt() {
        // A schema of the user's own: the lock table exists, the sequence was forgotten.
        this.sql.execute("create table if not exists fence_test_lock (like int_lock including all)");
        this.sql.execute("drop sequence if exists fence_test_lock_token_seq");
        contextRunner()
            .withPropertyValues("filelock.jdbc.initialize-schema=never", "filelock.jdbc.table-prefix=FENCE_TEST_")
            .run((context) -> {
                assertThat(context).getFailure().rootCause().hasMessageContaining("fence_test_lock_token_seq");
                assertThat(context).getFailure().hasMessageContaining("fencing token sequence");
            });
    }

    @Test
    void theContextIsBoundOnlyInsideTheMethod() {
        contextRunner().run((context) -> {
            assertThatIllegalStateException().isThrownBy(FileLockAssert::assertHeld)
                .withMessageContaining("No @FileLocked method");
            context.getBean(FencedJobs.class).run("outer", () -> {
                assertThat(FileLockContext.current().key()).isEqualTo("jobs/outer.lock");
                context.getBean(FencedJobs.class)
                    .run("inner", () -> assertThat(FileLockContext.current().key()).isEqualTo("jobs/inner.lock"));
                assertThat(FileLockContext.current().key()).isEqualTo("jobs/outer.lock");
            });
            assertThatIllegalStateException().isThrownBy(FileLockContext::current);
        });
    }

    /**
     * The fencing pattern of docs/jdbc-backend.md: a write applies only with a larger
     * token than the last one.
     */
    private boolean write(String id, String value, long token) {
        return this.sql
            .update("insert into fenced_store (id, value, token) values (?, ?, ?) on conflict (id) do update "
                    + "set value = excluded.value, token = excluded.token where fenced_store.token < excluded.token",
                    id, value, token) == 1;
    }

    /** Locked methods of the fencing tests. */
    public static class FencedJobs {

        /**
         * Runs the body holding the key's lock, not waiting.
         * @param id the key's name
         * @param body the body
         */
        @FileLocked(path = "jobs/#{#id}.lock", timeout = "0")
        public void run(String id, Runnable body) {
            body.run();
        }

        /**
         * Returns the fencing token of the key's lock, waiting for it.
         * @param id the key's name
         * @return the token
         */
        @FileLocked(path = "jobs/#{#id}.lock", timeout = "10s")
        public long token(String id) {
            return FileLockContext.current().fencingToken();
        }

        /**
         * Returns the fencing token of the key's lock held at least a moment (a hold
         * owned by another thread).
         * @param id the key's name
         * @return the token
         */
        @FileLocked(path = "jobs/#{#id}.lock", timeout = "10s", holdAtLeast = "10ms")
        public long tokenHeldAtLeast(String id) {
            return FileLockContext.current().fencingToken();
        }

    }

}
