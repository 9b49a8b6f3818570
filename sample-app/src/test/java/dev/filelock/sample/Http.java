package dev.filelock.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Plain HTTP calls with raw, unnormalised paths, so that tests send exactly what an
 * attacker would.
 */
final class Http {

    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<byte[]> get(String rawPath) {
        try {
            return client.send(request(rawPath), BodyHandlers.ofByteArray());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    String getString(String rawPath) {
        return new String(get(rawPath).body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    CompletableFuture<HttpResponse<byte[]>> getAsync(String rawPath) {
        return client.sendAsync(request(rawPath), BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String rawPath) {
        return HttpRequest.newBuilder(URI.create(this.base + rawPath)).timeout(Duration.ofSeconds(60)).build();
    }

}
