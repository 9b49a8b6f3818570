package dev.filelock.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.filelock.FileLockException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.spring.observation.DefaultFileLockObservationConvention;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code filelock.acquire} and {@code filelock.held} observations of
 * {@link FileLockRegistry}, as meters.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class FileLockRegistryObservationTests {

    @TempDir
    Path directory;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final ObservationRegistry observations = ObservationRegistry.create();

    private FileLockRegistry registry;

    private final CountDownLatch releaseHolder = new CountDownLatch(1);

    @BeforeEach
    void instrument() {
        this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
        this.registry = new FileLockRegistry(this.directory);
        this.registry.setObservationRegistry(this.observations);
    }

    @AfterEach
    void close() {
        this.releaseHolder.countDown();
        this.registry.close();
    }

    @Test
    void recordsTheWaitAndTheHoldWithTypeAndModeButNoPath() {
        try (LockHold hold = this.registry.acquire("orders.lock", LockMode.WRITE, Duration.ofSeconds(5))) {
            assertThat(heldActive("native", "write").activeTasks()).isEqualTo(1);
        }
        assertThat(acquire("native", "write", "acquired").count()).isEqualTo(1);
        assertThat(heldActive("native", "write").activeTasks()).isZero();
        assertThat(this.meters.get("filelock.held").tag("type", "native").timer().count()).isEqualTo(1);
        assertThat(this.meters.find("filelock.acquire").tagKeys("path").timer()).isNull();
    }

    @Test
    void recordsHoldsThroughTheLockApiUntilTheLastLevelIsReleased() {
        Lock lock = this.registry.obtain("reentrant.lock");
        lock.lock();
        lock.lock();
        lock.unlock();
        assertThat(heldActive("native", "write").activeTasks()).isEqualTo(1);
        lock.unlock();
        assertThat(heldActive("native", "write").activeTasks()).isZero();
        assertThat(acquire("native", "write", "acquired").count()).isEqualTo(2);
    }

    @Test
    void recordsATimeoutWhenAnotherThreadHoldsTheLock() throws InterruptedException {
        holdInAnotherThread("busy.lock");

        assertThatExceptionOfType(FileLockTimeoutException.class)
            .isThrownBy(() -> this.registry.acquire("busy.lock", LockMode.WRITE, Duration.ZERO));
        assertThat(this.registry.obtain("busy.lock").tryLock()).isFalse();

        assertThat(acquire("native", "write", "timeout").count()).isEqualTo(2);
    }

    @Test
    void recordsAnInterruptedWait() throws InterruptedException {
        holdInAnotherThread("interrupted.lock");
        Thread.currentThread().interrupt();

        assertThatExceptionOfType(InterruptedException.class)
            .isThrownBy(() -> this.registry.obtain("interrupted.lock").lockInterruptibly());

        assertThat(acquire("native", "write", "interrupted").count()).isEqualTo(1);
    }

    @Test
    void recordsAnErrorWithTheExceptionForALockThatCannotBeTaken() throws IOException {
        Files.writeString(this.directory.resolve("not-sqlite.db"), "this file is not an SQLite database, ".repeat(40));

        FileLockRegistry sqlite = new FileLockRegistry(this.directory, ReadWriteFileLock::of);
        sqlite.setObservationRegistry(this.observations);
        assertThatExceptionOfType(FileLockException.class)
            .isThrownBy(() -> sqlite.acquire("not-sqlite.db", LockMode.WRITE, Duration.ZERO));
        sqlite.close();

        Timer errors = this.meters.get("filelock.acquire")
            .tags("backend", "file", "type", "sqlite", "outcome", "error", "mode", "write")
            .timer();
        assertThat(errors.count()).isEqualTo(1);
        assertThat(errors.getId().getTag("error")).isNotEqualTo("none");
    }

    @Test
    void tagsReadLocksWithTheirMode() {
        Lock read = this.registry.obtainReadWrite("shared.db").readLock();
        read.lock();
        read.unlock();

        assertThat(acquire("native", "read", "acquired").count()).isEqualTo(1);
    }

    @Test
    void tagsThePathWhenTheUserOptsIn() {
        this.registry.setObservationConvention(new DefaultFileLockObservationConvention(true));

        this.registry.acquire("tagged.lock", LockMode.WRITE, Duration.ZERO).close();

        assertThat(this.meters.get("filelock.acquire").tag("path", "tagged.lock").timer().count()).isEqualTo(1);
    }

    private Timer acquire(String type, String mode, String outcome) {
        return this.meters.get("filelock.acquire")
            .tag("backend", "file")
            .tag("type", type)
            .tag("mode", mode)
            .tag("outcome", outcome)
            .timer();
    }

    private LongTaskTimer heldActive(String type, String mode) {
        return this.meters.get("filelock.held.active")
            .tag("backend", "file")
            .tag("type", type)
            .tag("mode", mode)
            .longTaskTimer();
    }

    private void holdInAnotherThread(String key) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (LockHold hold = this.registry.acquire(key, LockMode.WRITE, Duration.ofSeconds(5))) {
                held.countDown();
                this.releaseHolder.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "holder");
        holder.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    }

}
