package dev.filelock.testing;

import dev.filelock.FileLock;
import dev.filelock.FileLockException;
import dev.filelock.FileLockInterruptedException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.SoftFileLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The main class of the child JVMs of the tests: it takes or waits for a lock and reports on stdout, one line per
 * event, reading its cues from stdin.
 *
 * <pre>
 * hold    TYPE LOCK                      acquire, print HELD, wait for a line on stdin, release, print RELEASED
 * hold-many TYPE DIR N                   acquire DIR/0.lock .. DIR/(N-1).lock, print HELD, wait for a line on stdin,
 *                                        release them all, print RELEASED
 * wait    TYPE LOCK                      check the lock is busy (BUSY), wait for it forever, print ACQUIRED, release
 * count   TYPE LOCK COUNTER THREADS N    print READY, wait for a line, then THREADS threads (one lock object each)
 *                                        increment the decimal counter file N times each under the lock;
 *                                        print INCREMENTS total
 * abandon soft LOCK MARKER N DEAD_PID   print READY, wait for a line, then N times: acquire, create MARKER (O_EXCL;
 *                                        counts an overlap if it exists), delete it, and every other time die
 *                                        in effect (replace the lock file by one naming the dead DEAD_PID)
 *                                        before releasing; print OVERLAPS count
 * attempt TYPE LOCK                      print UID (effective), wait forever for the lock, expecting an error;
 *                                        print OUTCOME, MESSAGE, FDS_BEFORE, FDS_AFTER, LOCK_FDS
 * </pre>
 *
 * TYPE is {@code native} ({@link FileLock}) or {@code soft} ({@link SoftFileLock}).
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is deliberately unreferenced.
@SuppressWarnings("try")
public final class LockChild {

    private LockChild() {
    }

    /**
     * Runs one command.
     *
     * @param args the command and its arguments
     * @throws Exception on any failure, which ends the child with a stack trace on stderr
     */
    public static void main(String[] args) throws Exception {
        String type = args[1];
        Path lockPath = Path.of(args[2]);
        switch (args[0]) {
            case "hold" -> hold(lock(type, lockPath));
            case "hold-many" -> holdMany(type, lockPath, Integer.parseInt(args[3]));
            case "wait" -> waitFor(lock(type, lockPath));
            case "count" -> count(type, lockPath, Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "attempt" -> attempt(type, lockPath);
            case "abandon" -> abandon(lockPath, Path.of(args[3]), Integer.parseInt(args[4]), args[5]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
        System.exit(0);
    }

    static FileLock lock(String type, Path path) {
        return switch (type) {
            case "native" -> FileLock.of(path);
            case "soft" -> SoftFileLock.of(path);
            default -> throw new IllegalArgumentException("unknown lock type " + type);
        };
    }

    private static void hold(FileLock lock) throws Exception {
        try (LockHold hold = lock.acquire()) {
            report("HELD");
            stdin().readLine();
        }
        report("RELEASED");
    }

    private static void holdMany(String type, Path directory, int count) throws Exception {
        List<LockHold> holds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            holds.add(lock(type, directory.resolve(i + ".lock")).acquire());
        }
        report("HELD");
        stdin().readLine();
        for (LockHold hold : holds) {
            hold.close();
        }
        report("RELEASED");
    }

    private static void waitFor(FileLock lock) {
        if (lock.tryAcquire().isPresent()) {
            report("FREE");
            System.exit(3);
        }
        report("BUSY");
        try (LockHold hold = lock.acquire()) {
            report("ACQUIRED");
        }
    }

    private static void count(String type, Path lockPath, Path counter, int threads, int increments) throws Exception {
        report("READY");
        stdin().readLine();
        List<CompletableFuture<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            FileLock lock = lock(type, lockPath);
            workers.add(CompletableFuture.supplyAsync(() -> incrementUnderLock(lock, counter, increments), daemonThreads()));
        }
        int total = 0;
        for (CompletableFuture<Integer> worker : workers) {
            total += worker.get();
        }
        report("INCREMENTS " + total);
    }

    /**
     * Increments a decimal counter file {@code times} times, each time under the lock; the read-modify-write loses
     * updates unless the lock excludes every other writer.
     *
     * @return the number of increments done
     */
    public static int incrementUnderLock(FileLock lock, Path counter, int times) {
        for (int i = 0; i < times; i++) {
            try (LockHold hold = lock.acquire()) {
                String text = Files.exists(counter) ? Files.readString(counter).trim() : "";
                long value = text.isEmpty() ? 0 : Long.parseLong(text);
                Thread.yield();
                Files.writeString(counter, Long.toString(value + 1));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return times;
    }

    /**
     * Takes the soft lock {@code rounds} times and leaves it, every other time, as a killed holder would: the lock file
     * names a dead process (written to a new file renamed over the lock file, so that the release, which deletes only
     * the file it created, leaves it), for the other processes to reclaim.
     */
    private static void abandon(Path lockPath, Path marker, int rounds, String deadPid) throws Exception {
        SoftFileLock lock = SoftFileLock.builder(lockPath).pollInterval(java.time.Duration.ofMillis(2)).build();
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        Path deadRecord = lockPath.resolveSibling("dead-record." + ProcessHandle.current().pid());
        report("READY");
        stdin().readLine();
        int overlaps = 0;
        for (int round = 0; round < rounds; round++) {
            try (LockHold hold = lock.acquire(ChildProcess.HANG_GUARD.dividedBy(2))) {
                try {
                    Files.createFile(marker);
                } catch (java.nio.file.FileAlreadyExistsException anotherHolderIsInside) {
                    overlaps++;
                }
                Files.deleteIfExists(marker);
                if (round % 2 == 0) {
                    Files.writeString(deadRecord, deadPid + "\n" + hostname + "\n");
                    // A holder that died after its last heartbeat: older than the freshness every break waits for.
                    Files.setLastModifiedTime(deadRecord, java.nio.file.attribute.FileTime.from(
                            java.time.Instant.now().minus(java.time.Duration.ofMinutes(1))));
                    Files.move(deadRecord, lockPath, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        report("OVERLAPS " + overlaps);
    }

    private static void attempt(String type, Path lockPath) throws Exception {
        report("UID " + effectiveUid());
        warmUp(type);
        List<String> before = OpenDescriptors.targets();
        FileLock lock = lock(type, lockPath);
        CompletableFuture<LockHold> attempt = CompletableFuture.supplyAsync(lock::acquire, daemonThreads());
        Throwable outcome;
        try {
            attempt.get(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS).close();
            outcome = null;
        } catch (ExecutionException e) {
            outcome = e.getCause();
        }
        report("OUTCOME " + (outcome == null ? "ACQUIRED" : outcome.getClass().getName()));
        report("MESSAGE " + (outcome == null ? "" : String.valueOf(outcome.getMessage()).replace('\n', ' ')));
        report("FDS_BEFORE " + before.size());
        report("FDS_AFTER " + settledDescriptorCount(before));
        report("LOCK_FDS " + OpenDescriptors.pointingAt(lockPath).size());
    }

    /**
     * Counts the open descriptors once those the JVM opened for itself meanwhile (seen once under load, never a lock
     * file's) are closed again: waits up to two seconds for the count to come back, and reports what stayed open.
     */
    private static int settledDescriptorCount(List<String> before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        List<String> after = OpenDescriptors.targets();
        while (after.size() != before.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = OpenDescriptors.targets();
        }
        if (after.size() != before.size()) {
            List<String> extra = new ArrayList<>(after);
            before.forEach(extra::remove);
            report("FDS_EXTRA " + extra);
        }
        return after.size();
    }

    private static String effectiveUid() throws java.io.IOException {
        // /proc/self/status: "Uid:	real	effective	saved	filesystem"
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:"))
                .map(line -> line.split("\\s+")[2])
                .findFirst().orElseThrow();
    }

    /** Loads the lock classes and their native code, so that the descriptor counts compare only the attempt. */
    private static void warmUp(String type) throws Exception {
        Path scratch = Files.createTempDirectory("warm-up");
        try (LockHold hold = lock(type, scratch.resolve("warm-up.lock")).acquire()) {
            Class.forName(FileLockException.class.getName());
            Class.forName(FileLockTimeoutException.class.getName());
            Class.forName(FileLockInterruptedException.class.getName());
        }
    }

    private static java.util.concurrent.Executor daemonThreads() {
        return task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            thread.start();
        };
    }

    private static BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    private static void report(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
