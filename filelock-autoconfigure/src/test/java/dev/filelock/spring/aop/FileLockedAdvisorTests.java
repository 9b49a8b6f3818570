package dev.filelock.spring.aop;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockMode;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FileLockedAdvisor}: {@link FileLocked} on real beans of a Spring Boot
 * application.
 */
@SpringBootTest(properties = { "filelock.default-timeout=10s", "test.prefix=placeholders" })
class FileLockedAdvisorTests {

    @TempDir
    static Path directory;

    @Autowired
    private LockedService service;

    @Autowired
    private TypeLockedService typeLocked;

    @Autowired
    private FileLockRegistry registry;

    private final List<CompletableFuture<?>> background = new ArrayList<>();

    @DynamicPropertySource
    static void lockDirectory(DynamicPropertyRegistry properties) {
        properties.add("filelock.directory", () -> directory.toString());
    }

    @AfterEach
    void finishBackgroundCalls() {
        this.background.forEach((call) -> call.orTimeout(30, TimeUnit.SECONDS).join());
    }

    @Test
    void runsTheMethodHoldingTheLockOfItsPath() {
        AtomicBoolean heldInside = new AtomicBoolean();
        assertThat(this.service.write("42", () -> heldInside.set(isBusy("orders/42.lock")))).isEqualTo("42");
        assertThat(heldInside).isTrue();
        assertThat(isBusy("orders/42.lock")).isFalse();
        assertThat(directory.resolve("orders/42.lock")).exists();
    }

    @Test
    void letsOneThreadAtATimeIntoTheMethod() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(4);
        for (int thread = 0; thread < 4; thread++) {
            inBackground(() -> {
                awaitBarrier(start);
                for (int call = 0; call < 25; call++) {
                    this.service.write("shared", () -> {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        calls.incrementAndGet();
                        Thread.yield();
                        inside.decrementAndGet();
                    });
                }
            });
        }
        finishBackgroundCalls();
        assertThat(calls).hasValue(100);
        assertThat(mostInside).hasValue(1);
    }

    @Test
    void throwsTimeoutExceptionWithoutCallingTheMethodWhileAnotherThreadHoldsTheLock() throws Exception {
        CountDownLatch release = holdInBackground((inside) -> this.service.write("7", inside));
        AtomicBoolean called = new AtomicBoolean();
        assertThatExceptionOfType(FileLockTimeoutException.class)
            .isThrownBy(() -> this.service.writeOnce("7", () -> called.set(true)))
            .withMessageContaining("@FileLocked method LockedService.writeOnce (key 'orders/7.lock'): The file lock '"
                    + directory.toRealPath().resolve("orders/7.lock") + "' (WRITE) was not acquired in time: PT0S")
            .withMessageContaining("; held by this JVM (");
        assertThat(called).isFalse();
        release.countDown();
        finishBackgroundCalls();
        this.service.writeOnce("7", () -> called.set(true));
        assertThat(called).isTrue();
    }

    @Test
    void namesTheOtherProcessThatHoldsTheLockOnTimeout() throws Exception {
        Path lockFile = directory.resolve("orders/by-flock.lock");
        Files.createDirectories(lockFile.getParent());
        ProcessBuilder flock = new ProcessBuilder("flock", "-x", lockFile.toString(), "sh", "-c",
                "echo HELD; read line");
        try (ChildProcess holder = ChildProcess.start("flock -x", flock)) {
            holder.awaitLine("HELD");
            assertThatExceptionOfType(FileLockTimeoutException.class)
                .isThrownBy(() -> this.service.writeOnce("by-flock", () -> {
                }))
                .withMessageContaining("@FileLocked method LockedService.writeOnce (key 'orders/by-flock.lock'): ")
                .withMessageContaining(
                        "(WRITE) was not acquired in time: PT0S; held by pid " + holder.pid() + " (flock, WRITE)");
            holder.send("release");
        }
    }

    @Test
    void isReentrantWithinAThread() {
        AtomicBoolean nested = new AtomicBoolean();
        this.service.write("nested", () -> this.service.writeOnce("nested", () -> nested.set(true)));
        assertThat(nested).isTrue();
    }

    @Test
    void skipsTheCallOnTimeoutWhenAskedTo() {
        CountDownLatch release = holdInBackground((inside) -> this.service.write("busy", inside));
        AtomicBoolean called = new AtomicBoolean();
        assertThat(this.service.skip("busy", () -> called.set(true))).isNull();
        assertThat(this.service.skipOptional("busy", () -> called.set(true))).isEmpty();
        assertThat(called).isFalse();
        release.countDown();
        finishBackgroundCalls();
        assertThat(this.service.skipOptional("busy", () -> called.set(true))).contains("busy");
        assertThat(called).isTrue();
    }

    @Test
    void readersShareTheLock() throws Exception {
        CyclicBarrier bothInside = new CyclicBarrier(2);
        inBackground(() -> this.service.read("shared", () -> awaitBarrier(bothInside)));
        this.service.read("shared", () -> awaitBarrier(bothInside));
    }

    @Test
    void writersExcludeReadersAndReadersExcludeWritersWithNoExtraAttribute() {
        CountDownLatch releaseReader = holdInBackground((inside) -> this.service.read("catalog", inside));
        assertThatExceptionOfType(FileLockTimeoutException.class)
            .isThrownBy(() -> this.service.writeCatalogOnce("catalog", () -> {
            }));
        releaseReader.countDown();
        finishBackgroundCalls();
        this.background.clear();
        CountDownLatch releaseWriter = holdInBackground((inside) -> this.service.writeCatalog("catalog", inside));
        AtomicBoolean read = new AtomicBoolean();
        assertThatExceptionOfType(FileLockTimeoutException.class)
            .isThrownBy(() -> this.service.readOnce("catalog", () -> read.set(true)))
            .withMessageContaining("@FileLocked method LockedService.readOnce (key 'catalog/catalog.db'): ")
            .withMessageContaining("(READ) was not acquired in time: PT0S");
        assertThat(read).isFalse();
        releaseWriter.countDown();
    }

    @Test
    void evaluatesPathTemplatesOverArgumentsRootAndBeans() {
        AtomicBoolean methodNameHeld = new AtomicBoolean();
        this.service.methodNamed(() -> methodNameHeld.set(isBusy("methodNamed.lock")));
        AtomicBoolean beanHeld = new AtomicBoolean();
        this.service.beanReferenced("9", () -> beanHeld.set(isBusy("from-bean/9.lock")));
        AtomicBoolean placeholderHeld = new AtomicBoolean();
        this.service.placeholder(() -> placeholderHeld.set(isBusy("placeholders/fixed.lock")));
        assertThat(methodNameHeld).isTrue();
        assertThat(beanHeld).isTrue();
        assertThat(placeholderHeld).isTrue();
    }

    @Test
    void refusesPathsThatEscapeTheDirectoryWithoutCallingTheMethod() {
        AtomicBoolean called = new AtomicBoolean();
        assertThatIllegalArgumentException()
            .isThrownBy(() -> this.service.write("../../escaped", () -> called.set(true)))
            .withMessageContaining("'orders/../../escaped.lock'");
        assertThat(called).isFalse();
        assertThat(directory.getParent().resolve("escaped.lock")).doesNotExist();
    }

    @Test
    void holdsTheLockUntilTheReturnedFutureCompletes() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> returned = this.service.future("f", work);
        assertThat(isBusy("futures/f.lock")).isTrue();
        assertThat(this.service.futureOnce("f", CompletableFuture.completedFuture("again")))
            .failsWithin(Duration.ofSeconds(10))
            .withThrowableThat()
            .havingRootCause()
            .isInstanceOf(FileLockTimeoutException.class);
        CompletableFuture.runAsync(() -> work.complete("done")).join();
        assertThat(returned.join()).isEqualTo("done");
        assertThat(isBusy("futures/f.lock")).isFalse();
    }

    @Test
    void releasesTheLockWhenTheReturnedFutureFails() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> returned = this.service.future("failing", work);
        work.completeExceptionally(new IllegalStateException("boom"));
        assertThat(returned).failsWithin(Duration.ofSeconds(10))
            .withThrowableThat()
            .havingRootCause()
            .withMessage("boom");
        assertThat(isBusy("futures/failing.lock")).isFalse();
    }

    @Test
    void holdsTheLockWhileTheReturnedMonoRuns() {
        Sinks.One<String> sink = Sinks.one();
        Mono<String> mono = this.service.mono("m", sink.asMono());
        assertThat(isBusy("monos/m.lock")).as("not held before subscription").isFalse();
        CompletableFuture<String> result = mono.toFuture();
        await().atMost(Duration.ofSeconds(10)).until(() -> isBusy("monos/m.lock"));
        sink.tryEmitValue("value");
        assertThat(result.join()).isEqualTo("value");
        await().atMost(Duration.ofSeconds(10)).until(() -> !isBusy("monos/m.lock"));
    }

    @Test
    void holdsTheLockWhileTheReturnedFluxRunsAndReleasesItOnCancel() {
        Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
        Flux<String> flux = this.service.flux("x", sink.asFlux());
        List<String> received = new CopyOnWriteArrayList<>();
        Disposable subscription = flux.subscribe(received::add);
        await().atMost(Duration.ofSeconds(10)).until(() -> isBusy("fluxes/x.lock"));
        sink.tryEmitNext("first");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("first"));
        assertThat(isBusy("fluxes/x.lock")).isTrue();
        subscription.dispose();
        await().atMost(Duration.ofSeconds(10)).until(() -> !isBusy("fluxes/x.lock"));
    }

    @Test
    void skipsAMonoWhoseLockIsBusy() {
        CountDownLatch release = holdInBackground((inside) -> this.service.write("reactive", inside));
        AtomicBoolean subscribed = new AtomicBoolean();
        Mono<String> work = Mono.fromSupplier(() -> {
            subscribed.set(true);
            return "ran";
        });
        assertThat(this.service.monoSkip("reactive", work).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(subscribed).isFalse();
        release.countDown();
    }

    @Test
    void appliesATypeLevelAnnotationToEveryPublicMethod() {
        AtomicBoolean firstHeld = new AtomicBoolean();
        AtomicBoolean secondHeld = new AtomicBoolean();
        this.typeLocked.first(() -> firstHeld.set(isBusy("typed.lock")));
        this.typeLocked.second(() -> secondHeld.set(isBusy("typed.lock")));
        assertThat(firstHeld).isTrue();
        assertThat(secondHeld).isTrue();
        CountDownLatch release = holdInBackground((inside) -> this.typeLocked.first(inside));
        assertThat(this.typeLocked.toString()).as("toString is not locked").isEqualTo("TypeLockedService");
        release.countDown();
    }

    /** Whether another thread of this JVM would fail to take the key's lock right now. */
    private boolean isBusy(String key) {
        return CompletableFuture.supplyAsync(() -> {
            Lock lock = this.registry.obtain(key);
            if (lock.tryLock()) {
                lock.unlock();
                return false;
            }
            return true;
        }).join();
    }

    /**
     * Starts a call in the background that holds its lock until the returned latch is
     * released.
     */
    private CountDownLatch holdInBackground(Consumer<Runnable> call) {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<?> holder = inBackground(() -> call.accept(() -> {
            entered.countDown();
            awaitLatch(release);
        }));
        CompletableFuture.anyOf(holder, CompletableFuture.runAsync(() -> awaitLatch(entered))).join();
        assertThat(entered.getCount()).as("the background call entered its method").isZero();
        return release;
    }

    private CompletableFuture<?> inBackground(Runnable action) {
        CompletableFuture<?> call = CompletableFuture.runAsync(action, (task) -> new Thread(task).start());
        this.background.add(call);
        return call;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
        }
        catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApplication {

        @Bean
        LockedService lockedService() {
            return new LockedService();
        }

        @Bean
        TypeLockedService typeLockedService() {
            return new TypeLockedService();
        }

        @Bean
        LockKeys lockKeys() {
            return new LockKeys();
        }

    }

    public static class LockKeys {

        public String prefix() {
            return "from-bean";
        }

    }

    public static class LockedService {

        @FileLocked(path = "orders/#{#orderId}.lock")
        public String write(String orderId, Runnable inside) {
            inside.run();
            return orderId;
        }

        @FileLocked(path = "orders/#{#p0}.lock", timeout = "0")
        public String writeOnce(String orderId, Runnable inside) {
            inside.run();
            return orderId;
        }

        @FileLocked(path = "orders/#{#p0}.lock", timeout = "0", onTimeout = OnTimeout.SKIP)
        public String skip(String orderId, Runnable inside) {
            inside.run();
            return orderId;
        }

        @FileLocked(path = "orders/#{#p0}.lock", timeout = "0", onTimeout = OnTimeout.SKIP)
        public Optional<String> skipOptional(String orderId, Runnable inside) {
            inside.run();
            return Optional.of(orderId);
        }

        @FileLocked(path = "catalog/#{#name}.db", mode = LockMode.READ)
        public void read(String name, Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "catalog/#{#name}.db", mode = LockMode.READ, timeout = "0")
        public void readOnce(String name, Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "catalog/#{#name}.db")
        public void writeCatalog(String name, Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "catalog/#{#name}.db", timeout = "0")
        public void writeCatalogOnce(String name, Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "#{#root.methodName}.lock")
        public void methodNamed(Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "#{@lockKeys.prefix()}/#{#id}.lock")
        public void beanReferenced(String id, Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "${test.prefix}/fixed.lock")
        public void placeholder(Runnable inside) {
            inside.run();
        }

        @FileLocked(path = "futures/#{#p0}.lock")
        public CompletableFuture<String> future(String id, CompletableFuture<String> work) {
            return work;
        }

        @FileLocked(path = "futures/#{#p0}.lock", timeout = "0")
        public CompletableFuture<String> futureOnce(String id, CompletableFuture<String> work) {
            return work;
        }

        @FileLocked(path = "monos/#{#p0}.lock")
        public Mono<String> mono(String id, Mono<String> work) {
            return work;
        }

        @FileLocked(path = "orders/#{#p0}.lock", timeout = "0", onTimeout = OnTimeout.SKIP)
        public Mono<String> monoSkip(String id, Mono<String> work) {
            return work;
        }

        @FileLocked(path = "fluxes/#{#p0}.lock")
        public Flux<String> flux(String id, Flux<String> work) {
            return work;
        }

    }

    @FileLocked(path = "typed.lock")
    public static class TypeLockedService {

        public void first(Runnable inside) {
            inside.run();
        }

        public void second(Runnable inside) {
            inside.run();
        }

        @Override
        public String toString() {
            return "TypeLockedService";
        }

    }

}
