package dev.filelock.benchmarks.jmh;

import dev.filelock.LockHold;
import dev.filelock.SoftFileLock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Uncontended {@link SoftFileLock} acquire+release against the hand-written floor of the
 * same protocol: create the file exclusively, write the {@code pid\nhostname\n} record,
 * close and delete it.
 */
@State(Scope.Thread)
public class SoftFileLockBenchmarks {

    private Path directory;

    private SoftFileLock lock;

    private Path rawMarker;

    private byte[] record;

    /** Creates the directory and the holder record. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = TempDirectory.create("filelock-bench");
        lock = SoftFileLock.of(directory.resolve("ours.lock"));
        rawMarker = directory.resolve("raw.lock");
        String host = InetAddress.getLocalHost().getHostName();
        record = (ProcessHandle.current().pid() + "\n" + host + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Removes the directory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        TempDirectory.delete(directory);
    }

    /** Ours: one acquire and release of a soft lock nobody holds. */
    @Benchmark
    public void ours() {
        LockHold hold = lock.acquire();
        hold.close();
    }

    /** Anchor: {@code CREATE_NEW} + write the record + close + delete, with plain NIO. */
    @Benchmark
    public void anchor() throws IOException {
        try (FileChannel marker = FileChannel.open(rawMarker, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            marker.write(ByteBuffer.wrap(record));
        }
        Files.delete(rawMarker);
    }

}
