package dev.filelock.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.filelock.LockHold;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.LockMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * {@code DELETE /actuator/filelocks/{path}} over real HTTP with unrestricted endpoint
 * access.
 */
@SpringBootTest(classes = ObservabilityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=filelocks",
                "management.endpoint.filelocks.access=unrestricted" })
@AutoConfigureRestTestClient
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class FileLocksEndpointForceReleaseWebIntegrationTests {

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

    @Test
    void forcedReleaseFreesAStuckHoldAndWakesTheWaitingThread() throws Exception {
        CountDownLatch neverReleased = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        Thread stuck = new Thread(() -> {
            try (LockHold hold = this.registry.acquire("jobs/nightly.lock", LockMode.WRITE, Duration.ZERO)) {
                held.countDown();
                neverReleased.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, "stuck-worker");
        stuck.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try (LockHold hold = this.registry.acquire("jobs/nightly.lock", LockMode.WRITE, Duration.ofSeconds(30))) {
                return Thread.currentThread().getName();
            }
        }, (task) -> new Thread(task, "next-worker").start());
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingThreads().contains("next-worker"));

        byte[] json = this.client.delete()
            .uri("/actuator/filelocks/jobs/nightly.lock")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        ObservabilityTestApplication.saveSample("filelocks-delete", json);

        DocumentContext document = JsonPath.parse(new String(json));
        assertThat(document.read("$.path", String.class)).isEqualTo("jobs/nightly.lock");
        assertThat(document.read("$.released", Boolean.class)).isTrue();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("next-worker");
        neverReleased.countDown();
        stuck.join(10_000);
        this.client.delete()
            .uri("/actuator/filelocks/jobs/nightly.lock")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.released")
            .isEqualTo(false);
    }

    private String waitingThreads() {
        byte[] json = this.client.get()
            .uri("/actuator/filelocks/jobs/nightly.lock")
            .exchange()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        Map<?, ?> thisProcess = (json == null) ? null : JsonPath.parse(new String(json)).read("$", Map.class);
        return String.valueOf((thisProcess != null) ? thisProcess.get("thisProcess") : null);
    }

}
