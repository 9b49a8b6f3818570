package dev.filelock;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A child JVM holding {@link ReadWriteFileLock}s for the multi-process tests; it talks
 * over stdin/stdout and proves exclusion with marker files in a directory next to the
 * lock (never the lock file itself, whose POSIX locks any open+close in this process
 * would drop). Exit codes: 0 fine, 2 usage, 3 exclusion violated, 4 rendezvous failed.
 * The lock is the SQLite {@link ReadWriteFileLock}, or a {@link NativeReadWriteFileLock}
 * when the system property {@value #KIND_PROPERTY} is {@code native} (see
 * {@link #start}).
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
final class ReadWriteChild {

    /**
     * The system property naming the lock kind: {@code sqlite} (the default) or
     * {@code native}.
     */
    static final String KIND_PROPERTY = "filelock.test.read-write-kind";

    private ReadWriteChild() {
    }

    /**
     * Starts a child holding locks of the given kind ({@code sqlite} or {@code native}).
     */
    static ChildProcess start(String kind, String... args) {
        return ChildJvm.start("read/write child (" + kind + ") " + String.join(" ", args),
                List.of("-D" + KIND_PROPERTY + "=" + kind), 0, ReadWriteChild.class, args);
    }

    public static void main(String[] args) throws Exception {
        String command = args[0];
        Path path = Path.of(args[1]);
        try (ReadWriteFileLock lock = open(path)) {
            int status = switch (command) {
                case "hold" -> hold(lock, mode(args[2]));
                case "try" -> tryOnce(lock, mode(args[2]));
                case "hammer" ->
                    hammer(lock, Path.of(args[2]), args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                case "rendezvous" -> rendezvous(lock, Path.of(args[2]), args[3], Integer.parseInt(args[4]));
                case "stream" ->
                    stream(lock, Path.of(args[2]), args[3], args.length > 4 ? Integer.parseInt(args[4]) : 1);
                case "timed-write" -> timedWrite(lock, Duration.ofSeconds(Long.parseLong(args[2])));
                default -> 2;
            };
            System.out.flush();
            System.exit(status);
        }
    }

    private static ReadWriteFileLock open(Path path) {
        return switch (System.getProperty(KIND_PROPERTY, "sqlite")) {
            case "sqlite" -> ReadWriteFileLock.of(path);
            case "native" -> NativeReadWriteFileLock.of(path);
            default ->
                throw new IllegalArgumentException("unknown read/write lock kind " + System.getProperty(KIND_PROPERTY));
        };
    }

    private static LockMode mode(String name) {
        return LockMode.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** Acquires, says "held", waits for a line on stdin, releases, says "released". */
    private static int hold(ReadWriteFileLock lock, LockMode mode) throws IOException {
        try (LockHold hold = mode == LockMode.READ ? lock.acquireRead() : lock.acquireWrite()) {
            System.out.println("held");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("released");
        return 0;
    }

    /** One attempt; says "acquired", "busy" or the failure. */
    private static int tryOnce(ReadWriteFileLock lock, LockMode mode) {
        try {
            Optional<LockHold> hold = mode == LockMode.READ ? lock.tryAcquireRead() : lock.tryAcquireWrite();
            System.out.println(hold.isPresent() ? "acquired" : "busy");
            hold.ifPresent(LockHold::close);
        }
        catch (FileLockException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        return 0;
    }

    /**
     * Alternates reads and writes; a writer must find no other marker, a reader no writer
     * marker.
     */
    private static int hammer(ReadWriteFileLock lock, Path markers, String name, int rounds, int writeEvery)
            throws IOException {
        for (int round = 0; round < rounds; round++) {
            boolean write = round % writeEvery == 0;
            Path marker = markers.resolve((write ? "w-" : "r-") + name);
            try (LockHold hold = write ? lock.acquireWrite() : lock.acquireRead()) {
                Files.createFile(marker);
                boolean violated = write ? count(markers, "") != 1 : count(markers, "w-") != 0;
                Thread.onSpinWait();
                violated |= write ? count(markers, "") != 1 : count(markers, "w-") != 0;
                Files.delete(marker);
                if (violated) {
                    System.out.println("violation in round " + round + " (" + (write ? "write" : "read") + ")");
                    return 3;
                }
            }
            catch (FileAlreadyExistsException e) {
                return 3;
            }
        }
        System.out.println("done");
        return 0;
    }

    /** Holds a read lock until {@code count} readers hold it together. */
    private static int rendezvous(ReadWriteFileLock lock, Path markers, String name, int count)
            throws IOException, InterruptedException {
        try (LockHold hold = lock.acquireRead()) {
            Files.createFile(markers.resolve("r-" + name));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count(markers, "r-") < count) {
                if (System.nanoTime() > end) {
                    return 4;
                }
                Thread.sleep(1);
            }
            System.out.println("met " + count);
            // Stay until every reader has seen the others, so none is left waiting for a
            // reader that already left.
            Files.createFile(markers.resolve("met-" + name));
            while (count(markers, "met-") < count && System.nanoTime() < end) {
                Thread.sleep(1);
            }
        }
        return 0;
    }

    /**
     * Overlapping reads of 5 to 30 ms, by each of {@code threads} threads, until a file
     * named "stop" appears; with more than one thread, this JVM's readers overlap each
     * other too, so its shared hold is never given back on its own.
     */
    private static int stream(ReadWriteFileLock lock, Path markers, String name, int threads) throws Exception {
        List<CompletableFuture<Integer>> streams = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                streams.add(CompletableFuture.supplyAsync(() -> readUntilStopped(lock, markers), pool));
            }
            int reads = 0;
            for (CompletableFuture<Integer> stream : streams) {
                reads += stream.get();
            }
            System.out.println(name + " read " + reads + " times");
            return 0;
        }
        finally {
            pool.shutdownNow();
        }
    }

    private static int readUntilStopped(ReadWriteFileLock lock, Path markers) {
        int reads = 0;
        try {
            while (!Files.exists(markers.resolve("stop"))) {
                try (LockHold hold = lock.acquireRead()) {
                    reads++;
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 31));
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reads;
    }

    /**
     * Warms up on another lock file, says "waiting", takes the write lock within the
     * timeout, says "held <milliseconds waited>" (or "timeout"), waits for a line on
     * stdin, releases, says "released".
     */
    private static int timedWrite(ReadWriteFileLock lock, Duration timeout) throws IOException {
        // The first acquisition of a JVM loads the native code: not part of the wait
        // being measured.
        try (ReadWriteFileLock warmUp = open(lock.path().resolveSibling(lock.path().getFileName() + ".warm-up"))) {
            warmUp.acquireWrite().close();
        }
        System.out.println("waiting");
        System.out.flush();
        long start = System.nanoTime();
        LockHold hold;
        try {
            hold = lock.acquireWrite(timeout);
        }
        catch (FileLockTimeoutException e) {
            System.out.println("timeout");
            return 0;
        }
        try (hold) {
            System.out.println("held " + Duration.ofNanos(System.nanoTime() - start).toMillis());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("released");
        return 0;
    }

    private static long count(Path markers, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).count();
        }
    }

}
