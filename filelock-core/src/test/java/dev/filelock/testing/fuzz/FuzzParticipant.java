package dev.filelock.testing.fuzz;

import dev.filelock.FileLockDiagnostics;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.testing.OpenDescriptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The main class of a fuzz participant JVM: it runs random lock operations on one lock until it is killed, and
 * records every critical section in the shared log of {@link LockFuzzer}.
 *
 * <p>Arguments: {@code FACTORY_CLASS KIND LOCK_FILE COUNTER_FILE LOG_FILE LABEL SEED}. The seed fixes the sequence
 * of operations of the main thread, not the interleaving with other participants or with the asynchronous waits.
 *
 * <p>A critical section reads the counter file, appends {@code ENTER label op W|R value nanos}, writes value + 1
 * (writers only; through a temporary file renamed over it, so that a kill never leaves it half written), and appends
 * {@code EXIT label op W|R value nanos}. Every half second it appends {@code RES label fds threads nanos}. Any
 * unexpected exception appends {@code FAIL label ...} and ends the JVM with status 1.
 */
public final class FuzzParticipant {

    /** Most pending asynchronous waits per participant, until waiting costs no thread per wait. */
    static final int MAX_PENDING_ASYNC = 4;

    private enum Op { ACQUIRE, TRY, TIMED, ASYNC, REENTRANT, FORCE, DIAGNOSE, EXPIRE }

    private final FuzzSubject subject;
    private final Path lockFile;
    private final Path counter;
    private final Path counterScratch;
    private final FileOutputStream log;
    private final String label;
    private final Random random;
    private final AtomicLong opIds = new AtomicLong();
    private final AtomicInteger pendingAsync = new AtomicInteger();

    private FuzzParticipant(FuzzSubject subject, Path lockFile, Path counter, FileOutputStream log, String label,
            long seed) {
        this.subject = subject;
        this.lockFile = lockFile;
        this.counter = counter;
        this.counterScratch = counter.resolveSibling(counter.getFileName() + "." + label + ".tmp");
        this.log = log;
        this.label = label;
        this.random = new Random(seed);
    }

    /**
     * Runs operations until killed.
     *
     * @param args see the class comment
     * @throws Exception if the arguments are wrong
     */
    public static void main(String[] args) throws Exception {
        var factory = (FuzzSubject.Factory) Class.forName(args[0]).getConstructor().newInstance();
        Path lockFile = Path.of(args[2]);
        // O_APPEND: each line lands whole at the end, in the order of the writes of all processes; a stream, unlike a
        // FileChannel, is not closed by an interrupt of the writing thread.
        FileOutputStream log = new FileOutputStream(args[4], true);
        var participant = new FuzzParticipant(factory.open(args[1], lockFile), lockFile, Path.of(args[3]), log,
                args[5], Long.parseLong(args[6]));
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> participant.fail(failure));
        try {
            Path warmUpFile = lockFile.resolveSibling("warm-up-" + args[5].replace('#', '-') + ".lock");
            warmUp(factory.open(args[1], warmUpFile), lockFile);
            participant.reportResourcesEvery(Duration.ofMillis(500));
            System.out.println("RUNNING");
            System.out.flush();
            participant.run();
        } catch (Throwable failure) {
            participant.fail(failure);
        }
    }

    /**
     * Loads the classes and native code of the operations on a lock of its own, so that the fuzzer's clock (it starts
     * at {@code RUNNING}) and the resource baseline leave the JVM's start out.
     */
    private static void warmUp(FuzzSubject scratch, Path lockFile) throws Exception {
        scratch.acquire(true, Duration.ofSeconds(-1)).orElseThrow().close();
        scratch.tryAcquire(false).orElseThrow().close();
        scratch.acquireAsync(true, Duration.ofSeconds(-1)).get().close();
        FileLockDiagnostics.activeLocks();
        FileLockDiagnostics.probe(lockFile);
    }

    private void run() throws InterruptedException {
        Op[] ops = Op.values();
        while (true) {
            Op op = ops[random.nextInt(ops.length)];
            boolean write = !subject.readWrite() || random.nextBoolean();
            long id = opIds.incrementAndGet();
            switch (op) {
                case ACQUIRE -> section(subject.acquire(write, Duration.ofSeconds(-1))
                        .orElseThrow(() -> new AssertionError("a wait without timeout timed out")), id, write);
                case TRY -> subject.tryAcquire(write).ifPresent(hold -> section(hold, id, write));
                case TIMED -> subject.acquire(write, Duration.ofMillis(random.nextInt(300)))
                        .ifPresent(hold -> section(hold, id, write));
                case ASYNC -> startAsync(id, write);
                case REENTRANT -> reentrant(id, write, 2 + random.nextInt(3));
                case FORCE -> forceReleaseOwnHold(id);
                case DIAGNOSE -> diagnose(id);
                case EXPIRE -> subject.expireUnused();
            }
            Thread.sleep(random.nextInt(4));
        }
    }

    private void section(LockHold hold, long id, boolean write) {
        try (hold) {
            inside(id, write);
        }
    }

    /** The critical section proper, which the caller ends by releasing its hold. */
    private void inside(long id, boolean write) {
        ThreadLocalRandom sectionRandom = ThreadLocalRandom.current();
        long value = readCounter();
        append("ENTER " + label + " " + id + " " + (write ? "W" : "R") + " " + value + " " + System.nanoTime());
        if (sectionRandom.nextInt(4) == 0) {
            diagnose(id); // monitoring while held must not weaken the hold
        }
        if (write) {
            writeCounter(value + 1);
        }
        pause(sectionRandom.nextInt(3));
        append("EXIT " + label + " " + id + " " + (write ? "W" : "R") + " " + (write ? value + 1 : value) + " "
                + System.nanoTime());
    }

    private void startAsync(long id, boolean write) throws InterruptedException {
        if (pendingAsync.get() >= MAX_PENDING_ASYNC) {
            return;
        }
        pendingAsync.incrementAndGet();
        CompletableFuture<LockHold> future = subject.acquireAsync(write, Duration.ofMillis(random.nextInt(2000)));
        future.whenComplete((hold, failure) -> {
            try {
                if (hold != null) {
                    section(hold, id, write);
                    if (Thread.currentThread().isInterrupted() && !future.isCancelled()) {
                        throw new AssertionError("the thread that ran the section of a granted asynchronous acquire"
                                + " (its dependent stage) was interrupted: a cancel that lost the race reached it");
                    }
                } else if (!(failure instanceof CancellationException || failure instanceof FileLockTimeoutException)) {
                    fail(failure);
                }
            } catch (Throwable sectionFailure) {
                fail(sectionFailure); // else swallowed by the future that whenComplete returns
            } finally {
                pendingAsync.decrementAndGet();
            }
        });
        if (random.nextBoolean()) {
            Thread.sleep(random.nextInt(30));
            future.cancel(true);
        }
    }

    private void reentrant(long id, boolean write, int levels) {
        Deque<LockHold> holds = new ArrayDeque<>();
        try {
            Optional<LockHold> outer = subject.acquire(write, Duration.ofMillis(random.nextInt(500)));
            if (outer.isEmpty()) {
                return;
            }
            holds.push(outer.get());
            for (int level = 1; level < levels; level++) {
                Optional<LockHold> inner = random.nextBoolean() ? subject.tryAcquire(write)
                        : subject.acquire(write, Duration.ZERO);
                holds.push(inner.orElseThrow(() -> new AssertionError("this thread holds the lock, yet a reentrant "
                        + (write ? "write" : "read") + " acquire was refused")));
            }
            inside(id, write);
        } finally {
            holds.forEach(LockHold::close); // innermost first
        }
    }

    /**
     * Ends a section by force instead of by release: the force must give the lock back to others, and the former
     * hold's own release must then do nothing (above all, not release a later holder's lock).
     */
    private void forceReleaseOwnHold(long id) {
        Optional<LockHold> hold = subject.acquire(true, Duration.ofMillis(random.nextInt(500)));
        if (hold.isEmpty()) {
            return;
        }
        inside(id, true);
        append("FORCE " + label + " " + id);
        subject.forceRelease();
        try {
            hold.get().close();
        } catch (IllegalMonitorStateException expectedOfAnUnlockAfterForce) {
            // java.util.concurrent.locks.Lock#unlock (the registry's) refuses a forced-away hold, as documented
        }
    }

    /** Calls the diagnostics, logged because an asynchronous section of this JVM may be running meanwhile. */
    private void diagnose(long id) {
        append("DIAGNOSE " + label + " " + id);
        FileLockDiagnostics.activeLocks();
        FileLockDiagnostics.probe(lockFile);
    }

    private long readCounter() {
        try {
            String text = Files.exists(counter) ? Files.readString(counter).trim() : "";
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCounter(long value) {
        try {
            Files.writeString(counterScratch, Long.toString(value));
            Files.move(counterScratch, counter, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reportResourcesEvery(Duration period) {
        Thread reporter = new Thread(() -> {
            while (true) {
                append("RES " + label + " " + OpenDescriptors.count() + " " + threadCount() + " " + System.nanoTime());
                pause(period.toMillis());
            }
        }, "fuzz-resources");
        reporter.setDaemon(true);
        reporter.start();
    }

    /** Counts every thread of the process, the JVM's own included, as {@code /proc/self/task} lists them. */
    private static long threadCount() {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void append(String line) {
        try {
            log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void fail(Throwable failure) {
        failure.printStackTrace();
        try {
            append("FAIL " + label + " " + String.valueOf(failure).replace('\n', ' '));
        } finally {
            Runtime.getRuntime().halt(1);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
