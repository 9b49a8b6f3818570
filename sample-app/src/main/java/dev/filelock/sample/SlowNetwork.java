package dev.filelock.sample;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Spreads a download's duration over its chunks, so that a partial file grows visibly
 * while it is fetched.
 */
final class SlowNetwork {

    static final int CHUNK_SIZE = 64 * 1024;

    private final Duration delay;

    SlowNetwork(Duration delay) {
        this.delay = delay;
    }

    /**
     * Waits for the share of the delay that one chunk of a download of {@code size} bytes
     * takes.
     */
    void awaitChunk(long size) throws IOException {
        long chunks = Math.max(1, (size + CHUNK_SIZE - 1) / CHUNK_SIZE);
        long nanos = this.delay.toNanos() / chunks;
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Download interrupted");
        }
    }

}
