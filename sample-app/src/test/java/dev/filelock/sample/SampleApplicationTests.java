package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "sample.instance=test", "sample.origin.delay=300ms", "sample.origin.size=256KB" })
class SampleApplicationTests {

    private static final int SIZE = 256 * 1024;

    @TempDir
    static Path cache;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void cacheDirectory(DynamicPropertyRegistry registry) {
        registry.add("sample.cache-directory", () -> cache.toString());
    }

    @Test
    void downloadsAnArtifactOnceAndThenServesItFromTheCache() {
        Http http = new Http(this.port);
        HttpResponse<byte[]> first = http.get("/artifacts/first.bin");
        HttpResponse<byte[]> second = http.get("/artifacts/first.bin");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(first.body()).isEqualTo(Artifacts.expected("first.bin", SIZE)).isEqualTo(second.body());
        assertThat(http.getString("/artifacts/first.bin/stats")).contains("\"fetches\":1", "\"fetchedBy\":[\"test\"]",
                "\"cached\":true");
    }

    @Test
    void concurrentRequestsForOneArtifactFetchItOnce() {
        Http http = new Http(this.port);
        List<CompletableFuture<HttpResponse<byte[]>>> responses = IntStream.range(0, 12)
            .mapToObj((i) -> http.getAsync("/artifacts/concurrent.bin"))
            .toList();
        byte[] expected = Artifacts.expected("concurrent.bin", SIZE);
        assertThat(responses).allSatisfy((response) -> {
            assertThat(response.join().statusCode()).isEqualTo(200);
            assertThat(response.join().body()).isEqualTo(expected);
        });
        assertThat(responses.stream().filter((r) -> r.join().headers().firstValue("X-Cache").orElseThrow().equals("MISS")))
            .hasSize(1);
        assertThat(http.getString("/fetches")).contains("\"concurrent.bin\":1");
    }

    @ParameterizedTest
    @ValueSource(strings = { "/artifacts/..", "/artifacts/%2e%2e", "/artifacts/..%2F..%2Fetc%2Fpasswd",
            "/artifacts/%2E%2E%2Fescape.bin", "/artifacts/a%5C..%5Cescape.bin", "/artifacts/.hidden",
            "/artifacts/..%252F..%252Fescape.bin", "/artifacts/%2e%2e/stats", "/artifacts/locks%2Fx.lock" })
    void rejectsNamesThatTryToLeaveTheCacheAndTouchesNothing(String path) throws IOException {
        List<Path> before = filesUnder(cache);
        HttpResponse<byte[]> response = new Http(this.port).get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(400);
        assertThat(filesUnder(cache)).isEqualTo(before);
    }

    @Test
    void exposesHealthFileLocksAndMetrics() {
        Http http = new Http(this.port);
        http.get("/artifacts/metered.bin");
        String health = http.getString("/actuator/health");
        assertThat(JsonPath.<String>read(health, "$.components.filelock.status")).isEqualTo("UP");
        assertThat(JsonPath.<String>read(health, "$.components.filelock.details.directory"))
            .isEqualTo(cache.resolve("locks").toString());
        assertThat(JsonPath.<String>read(http.getString("/actuator/filelocks"), "$.directory"))
            .isEqualTo(cache.resolve("locks").toString());
        assertThat(http.getString("/actuator/metrics/sample.artifact.fetches")).contains("\"COUNT\"");
        assertThat(http.getString("/actuator/metrics")).contains("\"filelock.active\"");
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }
}
