package dev.filelock;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
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
 * A child JVM holding {@link ReadWriteFileLock}s for the multi-process tests, speaking
 * the child protocol ({@link ChildMain}) about the lock file given as its argument; it
 * proves exclusion with marker files in a directory next to the lock (never the lock file
 * itself, whose POSIX locks any open+close in this process would drop). The lock is the
 * SQLite {@link ReadWriteFileLock}, or a {@link NativeReadWriteFileLock} when the system
 * property {@value #KIND_PROPERTY} is {@code native} (see {@link #start}).
 *
 * <pre>
 * hold MODE                            acquire and keep: OK held
 * release                              release what is kept: OK released
 * try MODE                             one attempt: OK acquired, OK busy or OK &lt;failure&gt;
 * hammer MARKERS NAME ROUNDS EVERY     alternate reads and writes: OK done, or OK violation ...
 * rendezvous MARKERS NAME COUNT        hold a read lock until COUNT readers hold it: OK met COUNT
 * stream MARKERS NAME [THREADS]        read until MARKERS/stop appears: OK NAME read N times
 * warm-up                              load the native code (another lock file): OK waiting
 * timed-write SECONDS                  take the write lock within the timeout and keep it:
 *                                      OK held &lt;milliseconds waited&gt;, or OK timeout
 * </pre>
 *
 * MODE is {@code read} or {@code write}.
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
     * Starts a child on the lock of the given kind ({@code sqlite} or {@code native}),
     * waits until it reads commands and sends it one: {@code args} are the command, the
     * lock file and the command's arguments ({@code timed-write} is preceded by
     * {@code warm-up}); the test reads the replies with {@link ChildProcess#reply()}.
     */
    static ChildProcess start(String kind, String... args) {
        ChildProcess child = ChildJvm.start("read/write child (" + kind + ") " + String.join(" ", args),
                List.of("-D" + KIND_PROPERTY + "=" + kind), 0, ReadWriteChild.class, args[1]);
        try {
            child.awaitReady();
        }
        catch (RuntimeException e) {
            child.close();
            throw e;
        }
        sendCommand(child, args);
        return child;
    }

    /**
     * Sends the command of {@code args} (the command, the lock file, the command's
     * arguments) to a child started on that lock file.
     */
    static void sendCommand(ChildProcess child, String... args) {
        List<String> command = new ArrayList<>(List.of(args[0]));
        command.addAll(List.of(args).subList(2, args.length));
        if (args[0].equals("timed-write")) {
            child.send("warm-up");
        }
        child.send(String.join(" ", command));
    }

    /** Has a child answer {@code quit} and end, and returns its exit code. */
    static int quit(ChildProcess child) {
        child.call(ChildMain.QUIT);
        return child.awaitExit();
    }

    public static void main(String[] args) throws Exception {
        try (ReadWriteFileLock lock = open(Path.of(args[0]))) {
            List<LockHold> held = new ArrayList<>();
            ChildMain.create().on("hold", words -> {
                held.add(mode(words.get(0)) == LockMode.READ ? lock.acquireRead() : lock.acquireWrite());
                return "held";
            }).on("release", words -> {
                held.forEach(LockHold::close);
                held.clear();
                return "released";
            })
                .on("try", words -> tryOnce(lock, mode(words.get(0))))
                .on("hammer",
                        words -> hammer(lock, Path.of(words.get(0)), words.get(1), Integer.parseInt(words.get(2)),
                                Integer.parseInt(words.get(3))))
                .on("rendezvous",
                        words -> rendezvous(lock, Path.of(words.get(0)), words.get(1), Integer.parseInt(words.get(2))))
                .on("stream",
                        words -> stream(lock, Path.of(words.get(0)), words.get(1),
                                words.size() > 2 ? Integer.parseInt(words.get(2)) : 1))
                .on("warm-up", words -> warmUp(lock))
                .on("timed-write", words -> timedWrite(lock, Duration.ofSeconds(Long.parseLong(words.get(0))), held))
                .run();
            held.forEach(LockHold::close);
        }
        System.exit(0);
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

    /** One attempt; answers "acquired", "busy" or the failure. */
    private static String tryOnce(ReadWriteFileLock lock, LockMode mode) {
        try {
            Optional<LockHold> hold = mode == LockMode.READ ? lock.tryAcquireRead() : lock.tryAcquireWrite();
            hold.ifPresent(LockHold::close);
            return hold.isPresent() ? "acquired" : "busy";
        }
        catch (FileLockException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /**
     * Alternates reads and writes; a writer must find no other marker, a reader no writer
     * marker.
     */
    private static String hammer(ReadWriteFileLock lock, Path markers, String name, int rounds, int writeEvery)
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
                    return "violation in round " + round + " (" + (write ? "write" : "read") + ")";
                }
            }
            catch (FileAlreadyExistsException e) {
                return "violation in round " + round + ": " + e;
            }
        }
        return "done";
    }

    /** Holds a read lock until {@code count} readers hold it together. */
    private static String rendezvous(ReadWriteFileLock lock, Path markers, String name, int count)
            throws IOException, InterruptedException {
        try (LockHold hold = lock.acquireRead()) {
            Files.createFile(markers.resolve("r-" + name));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count(markers, "r-") < count) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("rendezvous failed: fewer than " + count + " readers");
                }
                Thread.sleep(1);
            }
            // Stay until every reader has seen the others, so none is left waiting for a
            // reader that already left.
            Files.createFile(markers.resolve("met-" + name));
            while (count(markers, "met-") < count && System.nanoTime() < end) {
                Thread.sleep(1);
            }
        }
        return "met " + count;
    }

    /**
     * Overlapping reads of 5 to 30 ms, by each of {@code threads} threads, until a file
     * named "stop" appears; with more than one thread, this JVM's readers overlap each
     * other too, so its shared hold is never given back on its own.
     */
    private static String stream(ReadWriteFileLock lock, Path markers, String name, int threads) throws Exception {
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
            return name + " read " + reads + " times";
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
     * Takes a write lock on another lock file, so that the first acquisition of the JVM,
     * which loads the native code, is not part of a wait being measured; answers
     * "waiting".
     */
    private static String warmUp(ReadWriteFileLock lock) {
        try (ReadWriteFileLock warmUp = open(lock.path().resolveSibling(lock.path().getFileName() + ".warm-up"))) {
            warmUp.acquireWrite().close();
        }
        return "waiting";
    }

    /**
     * Takes the write lock within the timeout and keeps it; answers "held <milliseconds
     * waited>" (or "timeout").
     */
    private static String timedWrite(ReadWriteFileLock lock, Duration timeout, List<LockHold> held) {
        long start = System.nanoTime();
        try {
            held.add(lock.acquireWrite(timeout));
        }
        catch (FileLockTimeoutException e) {
            return "timeout";
        }
        return "held " + Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static long count(Path markers, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).count();
        }
    }

}
