package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the sample, each in its own JVM, over one cache directory: what the
 * README's demo shows, checked. The instance kill comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesEndToEndTests {

    private static final int SIZE = 2 * 1024 * 1024;

    private static final Pattern WAITING = Pattern.compile("\"waitingThreads\":[1-9]");

    @TempDir
    static Path work;

    static Path cache;

    static Instance a;

    static Instance b;

    static Http httpA;

    static Http httpB;

    @BeforeAll
    static void startTwoInstances() throws IOException {
        cache = Files.createDirectory(work.resolve("cache"));
        String[] origin = { "sample.origin.delay=6s", "sample.origin.size=" + SIZE + "B",
                "sample.origin.artifacts=shared.bin,probed.bin,killed.bin" };
        a = Instance.start("a", cache, origin);
        b = Instance.start("b", cache, origin);
        httpA = new Http(a.awaitPort());
        httpB = new Http(b.awaitPort());
    }

    @AfterAll
    static void stopInstances() throws InterruptedException {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    @Order(1)
    void twentyConcurrentRequestsOverBothInstancesFetchTheArtifactOnce() {
        List<CompletableFuture<HttpResponse<byte[]>>> responses = IntStream.range(0, 20)
            .mapToObj((i) -> ((i % 2 == 0) ? httpA : httpB).getAsync("/artifacts/shared.bin"))
            .toList();
        byte[] expected = Artifacts.expected("shared.bin", SIZE);
        assertThat(responses).allSatisfy((response) -> {
            assertThat(response.join().statusCode()).isEqualTo(200);
            assertThat(response.join().body()).isEqualTo(expected);
        });
        assertThat(responses).filteredOn((response) -> isMiss(response.join())).hasSize(1);
        assertThat(httpA.getString("/artifacts/shared.bin/stats")).contains("\"fetches\":1");
        assertThat(httpB.getString("/artifacts/shared.bin/stats")).contains("\"fetches\":1");
        assertThat(countOccurrences(a.log() + b.log(), "Fetched shared.bin from the origin")).isEqualTo(1);
    }

    /**
     * Issue 11, item 1: probing a lock file that this instance holds through SQLite
     * opened and closed the file, which dropped the instance's fcntl locks, so the other
     * instance took the write lock, deleted the partial download as abandoned and
     * downloaded the artifact a second time, while the prober's client got a 500.
     */
    @Test
    @Order(2)
    void probingTheLockOfADownloadInProgressLetsNoOtherInstanceTakeIt() {
        CompletableFuture<HttpResponse<byte[]>> fetching = httpA.getAsync("/artifacts/probed.bin");
        await("a's download of probed.bin in progress").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> partialBytes(cache.resolve("partial")) > 0);
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> probe = httpA.get("/actuator/filelocks/probed.bin.lock");
            assertThat(probe.statusCode()).as("probe %d", i).isEqualTo(200);
        }
        assertThat(fetching).as("a still downloading after the probes").isNotDone();

        CompletableFuture<HttpResponse<byte[]>> waiting = httpB.getAsync("/artifacts/probed.bin");
        // Before the fix b is never seen waiting: it takes the lock and a's download ends
        // in a 500.
        await("b waiting for probed.bin.lock, or a's download over").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> fetching.isDone() || isWaitingFor(httpB, "probed.bin.lock"));

        byte[] expected = Artifacts.expected("probed.bin", SIZE);
        HttpResponse<byte[]> fetched = fetching.join();
        HttpResponse<byte[]> waited = waiting.join();
        assertThat(fetched.statusCode()).as("a's response").isEqualTo(200);
        assertThat(waited.statusCode()).as("b's response").isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(expected).isEqualTo(waited.body());
        assertThat(fetched.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(waited.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(httpB.getString("/artifacts/probed.bin/stats")).contains("\"fetches\":1", "\"fetchedBy\":[\"a\"]");
        assertThat(b.log()).doesNotContain("an interrupted download of probed.bin");
    }

    @Test
    @Order(3)
    void whenTheFetchingInstanceIsKilledTheWaitingInstanceCompletesTheFetch() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> killed = httpA.getAsync("/artifacts/killed.bin");
        Path partials = cache.resolve("partial");
        await("a's download in progress").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> partialBytes(partials) > 0);
        assertThat(httpA.getString("/actuator/filelocks")).contains("\"path\":\"killed.bin.lock\"",
                "\"mode\":\"write\"");
        CompletableFuture<HttpResponse<byte[]>> waiting = httpB.getAsync("/artifacts/killed.bin");
        await("b waiting for killed.bin.lock").atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> httpB.getString("/actuator/filelocks"),
                    (locks) -> locks.contains("killed.bin.lock") && WAITING.matcher(locks).find());
        assertThat(cache.resolve("artifacts/killed.bin")).doesNotExist();
        assertThat(waiting).isNotDone();

        a.kill();

        HttpResponse<byte[]> response = waiting.get();
        assertThat(killed).failsWithin(Duration.ofSeconds(30));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(response.body()).isEqualTo(Artifacts.expected("killed.bin", SIZE));
        assertThat(httpB.getString("/artifacts/killed.bin/stats")).contains("\"fetches\":1", "\"fetchedBy\":[\"b\"]");
        assertThat(b.log()).contains("an interrupted download of killed.bin");
        try (Stream<Path> left = Files.list(partials)) {
            assertThat(left).isEmpty();
        }
    }

    private static boolean isWaitingFor(Http http, String lock) {
        String locks = http.getString("/actuator/filelocks");
        return locks.contains("\"path\":\"" + lock + "\"") && WAITING.matcher(locks).find();
    }

    private static boolean isMiss(HttpResponse<byte[]> response) {
        return response.headers().firstValue("X-Cache").orElseThrow().equals("MISS");
    }

    private static long partialBytes(Path partials) throws IOException {
        try (Stream<Path> files = Files.list(partials)) {
            return files.mapToLong((file) -> file.toFile().length()).sum();
        }
    }

    private static int countOccurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

}
