package dev.filelock.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The {@code filelocks} endpoint and the {@code filelock} health over real HTTP, with the
 * default (read-only) endpoint access: locks held by another thread and by another
 * process.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=health,filelocks,metrics",
                "management.endpoint.health.show-details=always" })
@AutoConfigureRestTestClient
class FileLocksEndpointWebIntegrationTests {

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void lockDirectory(DynamicPropertyRegistry properties) {
        properties.add("filelock.directory", () -> directory.toString());
    }

    @Autowired
    RestTestClient client;

    @Autowired
    FileLockRegistry registry;

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseHolders() {
        this.release.countDown();
    }

    @Test
    void listsALockHeldByAnotherThreadWithItsHolderAndWaitingThread() throws Exception {
        Lock lock = this.registry.obtain("orders/42.lock");
        CompletableFuture<Void> holder = holdInThread("orders-worker", lock);
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().setName("report-worker");
            try {
                boolean acquired = lock.tryLock(30, TimeUnit.SECONDS);
                if (acquired) {
                    lock.unlock();
                }
                return acquired;
            }
            catch (InterruptedException ex) {
                return false;
            }
        }, (task) -> new Thread(task).start());

        await().atMost(Duration.ofSeconds(10))
            .until(() -> !lockAt(getJson("/actuator/filelocks"), "orders/42.lock").get("waitingThreads")
                .toString()
                .equals("[]"));
        byte[] json = getBytes("/actuator/filelocks");
        ObservabilityTestApplication.saveSample("filelocks", json);

        DocumentContext document = JsonPath.parse(new String(json));
        assertThat(document.read("$.backend", String.class)).isEqualTo("file");
        assertThat(document.read("$.directory", String.class)).isEqualTo(this.registry.directory().toString());
        Map<String, Object> orders = lockAt(document, "orders/42.lock");
        assertThat(orders).containsEntry("type", "native").containsEntry("mode", "write");
        assertThat(orders.get("waitingThreads")).asInstanceOf(InstanceOfAssertFactories.LIST)
            .containsExactly("report-worker");
        assertThat(orders.get("owners")).asInstanceOf(InstanceOfAssertFactories.LIST)
            .singleElement()
            .asInstanceOf(InstanceOfAssertFactories.MAP)
            .containsEntry("name", "orders-worker")
            .containsEntry("holdCount", 1)
            .containsKeys("since", "heldFor");
        assertThat(document.read("$.totals.held", Integer.class)).isGreaterThanOrEqualTo(1);
        assertThat(document.read("$.totals.waitingThreads", Integer.class)).isGreaterThanOrEqualTo(1);

        this.release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void describesALockHeldByAnotherProcessWithItsPid() throws Exception {
        Path file = this.registry.resolve("shared/report.lock");
        try (ChildProcess child = ChildJvm.start("native lock holder", NativeLockHolder.class, file.toString())
            .awaitReady()) {
            byte[] json = getBytes("/actuator/filelocks/shared/report.lock");
            ObservabilityTestApplication.saveSample("filelocks-path-other-process", json);

            DocumentContext document = JsonPath.parse(new String(json));
            assertThat(document.read("$.backend", String.class)).isEqualTo("file");
            assertThat(document.read("$.path", String.class)).isEqualTo("shared/report.lock");
            assertThat(document.read("$.exists", Boolean.class)).isTrue();
            assertThat(object(document, "$")).as("null fields are left out").doesNotContainKey("thisProcess");
            assertThat(document.read("$.otherProcesses.held", Boolean.class)).isTrue();
            assertThat(document.read("$.otherProcesses.holders[0].pid", Long.class)).isEqualTo(child.pid());
            assertThat(document.read("$.otherProcesses.holders[0].source", String.class)).isEqualTo("flock");
        }
        DocumentContext afterwards = getJson("/actuator/filelocks/shared/report.lock");
        assertThat(afterwards.read("$.otherProcesses.held", Boolean.class)).isFalse();
    }

    @Test
    void describesALockHeldByAnotherThreadOfThisProcess() throws Exception {
        CompletableFuture<Void> holder = holdInThread("invoice-worker", this.registry.obtain("invoices.lock"));
        await().atMost(Duration.ofSeconds(10))
            .until(() -> object(getJson("/actuator/filelocks/invoices.lock"), "$").containsKey("thisProcess"));
        byte[] json = getBytes("/actuator/filelocks/invoices.lock");
        ObservabilityTestApplication.saveSample("filelocks-path-this-process", json);

        DocumentContext document = JsonPath.parse(new String(json));
        assertThat(document.read("$.thisProcess.owners[0].name", String.class)).isEqualTo("invoice-worker");
        assertThat(document.read("$.thisProcess.owners[0].holdCount", Integer.class)).isOne();
        assertThat(document.read("$.otherProcesses.held", Boolean.class)).isFalse();
        this.release.countDown();
        holder.get(10, TimeUnit.SECONDS);
    }

    @Test
    void answersNotFoundForALockFileThatDoesNotExist() {
        this.client.get().uri("/actuator/filelocks/no/such.lock").exchange().expectStatus().isNotFound();
        assertThat(directory.resolve("no")).doesNotExist();
    }

    @Test
    void refusesAPathLeavingTheLockDirectory() {
        this.client.get().uri("/actuator/filelocks/a/../../etc/passwd").exchange().expectStatus().is4xxClientError();
    }

    @Test
    void refusesToForceAReleaseUnderTheDefaultReadOnlyAccess() throws Exception {
        Lock lock = this.registry.obtain("kept.lock");
        CompletableFuture<Void> holder = holdInThread("kept-worker", lock);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> object(getJson("/actuator/filelocks/kept.lock"), "$").containsKey("thisProcess"));

        this.client.delete().uri("/actuator/filelocks/kept.lock").exchange().expectStatus().isEqualTo(405);

        assertThat(getJson("/actuator/filelocks/kept.lock").read("$.thisProcess.owners[0].name", String.class))
            .isEqualTo("kept-worker");
        this.release.countDown();
        holder.get(10, TimeUnit.SECONDS);
    }

    @Test
    void reportsTheHealthOfTheLockDirectoryAndTheActiveLocksWhileALockIsHeld() throws Exception {
        CompletableFuture<Void> holder = holdInThread("health-worker", this.registry.obtain("held-for-health.lock"));
        byte[] json = getBytes("/actuator/health/filelock");
        ObservabilityTestApplication.saveSample("health-filelock", json);

        DocumentContext document = JsonPath.parse(new String(json));
        assertThat(document.read("$.status", String.class)).isEqualTo("UP");
        assertThat(document.read("$.details.directory", String.class)).isEqualTo(this.registry.directory().toString());
        assertThat(document.read("$.details.backend", String.class)).isEqualTo("file");
        assertThat(document.read("$.details.probeType", String.class)).isEqualTo("native");
        assertThat(document.read("$.details.locksHeld", Integer.class)).isGreaterThanOrEqualTo(1);
        assertThat(object(document, "$.details")).containsKeys("longestHold", "longestHeldLock");

        byte[] active = getBytes("/actuator/metrics/filelock.active?tag=backend:file&tag=type:native");
        ObservabilityTestApplication.saveSample("metrics-filelock-active", active);
        assertThat(JsonPath.parse(new String(active)).read("$.measurements[0].value", Double.class))
            .isGreaterThanOrEqualTo(1.0);
        this.release.countDown();
        holder.get(10, TimeUnit.SECONDS);
    }

    @Test
    void exposesAcquisitionTimesAsMetrics() throws Exception {
        Lock lock = this.registry.obtain("metered.lock");
        lock.lock();
        lock.unlock();

        byte[] json = getBytes("/actuator/metrics/filelock.acquire");
        ObservabilityTestApplication.saveSample("metrics-filelock-acquire", json);
        DocumentContext document = JsonPath.parse(new String(json));
        List<String> outcomes = document.read("$.availableTags[?(@.tag == 'outcome')].values[*]");
        assertThat(outcomes).contains("acquired");
    }

    @Test
    void probingAReadWriteLockThisJvmHoldsForWritingLetsNoOtherProcessIn() throws Exception {
        // An application's own SQLite registry (filelock.type=sqlite in another context):
        // the probe is JVM-wide.
        FileLockRegistry sqlite = new FileLockRegistry(directory, ReadWriteFileLock::of);
        Path file = sqlite.resolve("shared/catalog.db");
        Lock write = sqlite.obtain("shared/catalog.db");
        write.lock();
        try {
            getBytes("/actuator/filelocks/shared/catalog.db");
            getBytes("/actuator/filelocks");
            this.client.get().uri("/actuator/health").exchange();

            // Reading the file's record would have closed a descriptor of it, dropping
            // SQLite's POSIX locks.
            assertThat(sqliteTry(file)).isEqualTo("busy");
        }
        finally {
            write.unlock();
        }
        assertThat(sqliteTry(file)).isEqualTo("acquired");
        sqlite.close();
    }

    private static String sqliteTry(Path file) {
        try (ChildProcess python = PythonFilelock.startStandardLibraryScript("sqlite_rw_lock.py", file.toString())) {
            String answer = python.awaitReady().call("try write");
            python.call(ChildMain.QUIT);
            assertThat(python.awaitExit()).as(python::describe).isZero();
            return answer;
        }
    }

    private CompletableFuture<Void> holdInThread(String name, Lock lock) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                this.release.await();
                done.complete(null);
            }
            catch (InterruptedException ex) {
                done.completeExceptionally(ex);
            }
            finally {
                lock.unlock();
            }
        }, name);
        thread.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        return done;
    }

    private static Map<String, Object> lockAt(DocumentContext document, String path) {
        List<Map<String, Object>> locks = document.read("$.entries[?(@.path == '" + path + "')]");
        assertThat(locks).hasSize(1);
        return locks.get(0);
    }

    private static Map<String, Object> object(DocumentContext document, String path) {
        return document.read(path);
    }

    private DocumentContext getJson(String uri) {
        return JsonPath.parse(new String(getBytes(uri)));
    }

    private byte[] getBytes(String uri) {
        return this.client.get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
    }

}
