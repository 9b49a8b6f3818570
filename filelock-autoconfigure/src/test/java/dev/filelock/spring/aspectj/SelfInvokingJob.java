package dev.filelock.spring.aspectj;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Lock;
import reactor.core.publisher.Mono;

/**
 * A bean whose unannotated methods call {@link FileLocked} methods of the same object,
 * which a Spring proxy does not see and a woven aspect does.
 */
public class SelfInvokingJob {

    private final FileLockRegistry registry;

    private final Path shared;

    private final String name;

    public SelfInvokingJob(FileLockRegistry registry, Path shared, String name) {
        this.registry = registry;
        this.shared = shared;
        this.name = name;
    }

    /** Calls {@link #lockedProbe()} on {@code this}, and returns what it saw. */
    public boolean selfInvokedProbeHeldItsLock() {
        return lockedProbe();
    }

    /** Tells whether this thread's registry holds the method's own lock while it runs. */
    @FileLocked(path = "probe.lock")
    public boolean lockedProbe() {
        return isHeld(this.registry, "probe.lock");
    }

    /**
     * Calls {@link #templated(String)} on {@code this}: its path template is evaluated
     * over the argument.
     */
    public boolean selfInvokedTemplateHeldItsLock() {
        return templated("42");
    }

    @FileLocked(path = "orders/#{#p0}.lock")
    public boolean templated(String orderId) {
        return isHeld(this.registry, "orders/" + orderId + ".lock");
    }

    /**
     * Calls {@link #lockedMono()} on {@code this} and subscribes twice, after the call
     * returned.
     */
    public List<Boolean> selfInvokedMonoHeldItsLockOnEachSubscription() {
        Mono<Boolean> mono = lockedMono();
        return List.of(mono.block(), mono.block(), isHeld(this.registry, "mono.lock"));
    }

    @FileLocked(path = "mono.lock")
    public Mono<Boolean> lockedMono() {
        return Mono.fromCallable(() -> isHeld(this.registry, "mono.lock"));
    }

    /**
     * Calls {@link #lockedFuture()} on {@code this}: held in the future's thread,
     * released once it completed.
     */
    public List<Boolean> selfInvokedFutureHeldItsLockUntilCompleted() {
        boolean inside = lockedFuture().join();
        return List.of(inside, isHeld(this.registry, "future.lock"));
    }

    @FileLocked(path = "future.lock")
    public CompletableFuture<Boolean> lockedFuture() {
        return CompletableFuture.supplyAsync(() -> isHeld(this.registry, "future.lock"));
    }

    /**
     * Calls {@link #skippable()} on {@code this} while another thread holds its lock: the
     * call is skipped.
     */
    public boolean selfInvokedCallSkippedWhileAnotherThreadHolds() throws InterruptedException, ExecutionException {
        Lock lock = this.registry.obtain("skip.lock");
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            holder.submit(lock::lock).get();
            return skippable() == null;
        }
        finally {
            holder.submit(lock::unlock).get();
            holder.shutdown();
        }
    }

    @FileLocked(path = "skip.lock", timeout = "0", onTimeout = OnTimeout.SKIP)
    public String skippable() {
        return "ran";
    }

    /** Calls {@link #section()} on {@code this}, {@code iterations} times. */
    public void run(int iterations) {
        for (int i = 0; i < iterations; i++) {
            section();
        }
    }

    /**
     * Records entry and exit in the shared {@code events} file, and any moment when
     * another process is inside too; a read-modify-write of the shared counter in between
     * gives another process time to come in if it can.
     */
    @FileLocked(path = "section.lock", timeout = "60s")
    public void section() {
        append("events", "enter " + this.name);
        Path inside = this.shared.resolve("inside");
        try {
            Files.writeString(inside, this.name, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        catch (FileAlreadyExistsException ex) {
            append("violations", this.name + " entered while another process was inside");
            return;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        try {
            Path counter = this.shared.resolve("counter");
            int value = Files.exists(counter) ? Integer.parseInt(Files.readString(counter).trim()) : 0;
            Thread.yield();
            Files.writeString(counter, Integer.toString(value + 1));
            Files.delete(inside);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        append("events", "exit " + this.name);
    }

    static boolean isHeld(FileLockRegistry registry, String key) {
        return registry.entries().stream().anyMatch((entry) -> entry.key().equals(key) && entry.isHeld());
    }

    private void append(String file, String line) {
        try {
            // A small append is atomic on a local file system, so the lines of two
            // processes never interleave.
            Files.write(this.shared.resolve(file), (line + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
