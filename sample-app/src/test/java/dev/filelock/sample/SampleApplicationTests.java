package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.jayway.jsonpath.JsonPath;
import dev.filelock.testing.OpenDescriptors;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "sample.instance=test", "sample.origin.delay=300ms", "sample.origin.size=256KB",
                "sample.origin.artifacts=first.bin,concurrent.bin,metered.bin" })
class SampleApplicationTests {

    private static final int SIZE = 256 * 1024;

    @TempDir
    static Path cache;

    @Value("${local.server.port}")
    int port;

    @Autowired
    Environment environment;

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
        assertThat(
                responses.stream().filter((r) -> r.join().headers().firstValue("X-Cache").orElseThrow().equals("MISS")))
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

    /**
     * Issue 11, item 2: every name used to take a lock, whose entry kept a SQLite
     * connection open, so a client that invented names exhausted the descriptors; a name
     * the origin lacks now costs no lock, file or descriptor.
     */
    @Test
    void aNameTheOriginDoesNotHaveIsNotFoundWithoutALockOrAFile() throws IOException {
        Http http = new Http(this.port);
        http.get("/actuator/health");
        List<Path> before = filesUnder(cache);
        int descriptorsBefore = OpenDescriptors.count();
        for (int i = 0; i < 60; i++) {
            HttpResponse<byte[]> response = http.get("/artifacts/invented-" + i + ".bin");
            assertThat(response.statusCode()).as("invented-%d.bin", i).isEqualTo(404);
        }
        assertThat(filesUnder(cache)).isEqualTo(before);
        assertThat(OpenDescriptors.count()).as("open descriptors after 60 unknown names")
            .isLessThanOrEqualTo(descriptorsBefore + 20);
        assertThat(http.getString("/artifacts/invented-0.bin")).contains("The origin has no artifact 'invented-0.bin'");
    }

    /**
     * Issue 11, item 13: the actuator shows lock paths and pids, so the sample listens on
     * this machine only.
     */
    @Test
    void listensOnTheLoopbackInterfaceOnly() throws IOException {
        String address = this.environment.getRequiredProperty("server.address");
        assertThat(InetAddress.getByName(address).isLoopbackAddress()).as("server.address=%s", address).isTrue();
        for (InetAddress external : nonLoopbackAddresses()) {
            try (Socket socket = new Socket()) {
                assertThatExceptionOfType(ConnectException.class).as("connecting through %s", external)
                    .isThrownBy(() -> socket.connect(new InetSocketAddress(external, this.port), 5000));
            }
        }
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

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        return NetworkInterface.networkInterfaces()
            .filter(SampleApplicationTests::isUp)
            .flatMap(NetworkInterface::inetAddresses)
            .filter((address) -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
            .toList();
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        }
        catch (SocketException ex) {
            return false;
        }
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

}
