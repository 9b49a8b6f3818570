package dev.filelock.spring;

import dev.filelock.FileLock;
import dev.filelock.FileLockException;
import dev.filelock.FileLockTimeoutException;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Keys of a {@link FileLockRegistry} never lead a lock file outside its directory, even
 * when a directory inside it is swapped for a symbolic link after the key was resolved
 * (issue 11, item 5): the core walks every segment from the lock directory on every open.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class FileLockRegistryConfinementTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Every lock protocol a registry offers, in each mode it offers. */
    enum Flavour {

        NATIVE_WRITE(LockMode.WRITE, FileLockRegistry::new), NATIVE_READ(LockMode.READ, FileLockRegistry::new),
        SQLITE_WRITE(LockMode.WRITE, (directory) -> new FileLockRegistry(directory, ReadWriteFileLock::of)),
        SQLITE_READ(LockMode.READ, (directory) -> new FileLockRegistry(directory, ReadWriteFileLock::of)),
        SOFT(LockMode.WRITE, (directory) -> new FileLockRegistry(directory, SoftFileLock::of, true)),
        SOFT_READ_WRITE(LockMode.WRITE, (directory) -> new FileLockRegistry(directory, SoftReadWriteFileLock::of));

        final LockMode kind;

        final Function<Path, FileLockRegistry> registries;

        Flavour(LockMode kind, Function<Path, FileLockRegistry> registries) {
            this.kind = kind;
            this.registries = registries;
        }

        FileLockRegistry registry(Path directory) {
            return this.registries.apply(directory);
        }

        /**
         * Whether an idle lock keeps an SQLite connection, and so the file it opened,
         * between holds.
         */
        boolean keepsAConnection() {
            return this == SQLITE_WRITE || this == SQLITE_READ;
        }

        Lock handle(FileLockRegistry registry, String key) {
            return (this.kind == LockMode.READ) ? registry.obtainReadWrite(key).readLock() : registry.obtain(key);
        }

    }

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aDirectorySwappedForALinkOutAfterFirstUseLeadsNoLockOutOnceItsResourcesAreRetired(Flavour flavour)
            throws IOException {
        Path root = this.temp.resolve("locks");
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        try (FileLockRegistry registry = flavour.registry(root)) {
            Lock handle = flavour.handle(registry, "a/x.lock");
            lockOnce(handle);
            swapForLink(root.resolve("a"), outside);
            retireIdleResources(registry);

            // A handle obtained earlier starts over with the path it resolved: the core's
            // walk refuses the link.
            assertThatExceptionOfType(FileLockException.class).isThrownBy(() -> lockOnce(handle))
                .withMessageContaining("a/x.lock")
                .withMessageContaining("'" + root.toRealPath().resolve("a") + "'")
                .withMessageContaining("points outside the lock directory");
            // The key itself is resolved again, and refused at once.
            assertThatExceptionOfType(RuntimeException.class)
                .isThrownBy(() -> lockOnce(registry, "a/x.lock", flavour.kind))
                .withMessageContaining("a/x.lock")
                .withMessageContaining("points outside the lock directory");
        }
        assertThat(outside).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aDirectorySwappedForALinkOutAfterFirstUseLeadsNoLockOutWhileItsResourcesAreKept(Flavour flavour)
            throws IOException {
        Path root = this.temp.resolve("locks");
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        try (FileLockRegistry registry = flavour.registry(root)) {
            Lock handle = flavour.handle(registry, "a/x.lock");
            lockOnce(registry, "a/x.lock", flavour.kind);
            swapForLink(root.resolve("a"), outside);

            if (flavour.keepsAConnection()) {
                // SQLite keeps its connection, and its locks, on the file it opened
                // inside (now under a.old).
                lockOnce(registry, "a/x.lock", flavour.kind);
                lockOnce(handle);
            }
            else {
                // A parked descriptor fails the check after flock (the path no longer
                // names it): reopened, refused.
                assertThatExceptionOfType(FileLockException.class)
                    .isThrownBy(() -> lockOnce(registry, "a/x.lock", flavour.kind))
                    .withMessageContaining("a/x.lock")
                    .withMessageContaining("points outside the lock directory");
                assertThatExceptionOfType(FileLockException.class).isThrownBy(() -> lockOnce(handle))
                    .withMessageContaining("points outside the lock directory");
            }
        }
        assertThat(outside).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void aDirectoryFlippingBetweenRealAndALinkOutNeverLetsANewKeyCreateAFileOutside(Flavour flavour) throws Exception {
        Path root = this.temp.resolve("locks");
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        Path flipping = root.resolve("d");
        int keys = (flavour.keepsAConnection() || flavour == Flavour.SOFT_READ_WRITE) ? 400 : 1_000;
        try (FileLockRegistry registry = flavour.registry(root)) {
            Files.createDirectories(flipping);
            AtomicBoolean done = new AtomicBoolean();
            CompletableFuture<Integer> flipper = CompletableFuture.supplyAsync(() -> flip(flipping, outside, done));
            int locked = 0;
            int refused = 0;
            try {
                for (int i = 0; i < keys; i++) {
                    try {
                        lockOnce(registry, "d/k" + i + ".lock", flavour.kind);
                        locked++;
                    }
                    catch (FileLockException | IllegalArgumentException refusedOrLinkSeen) {
                        refused++;
                    }
                }
            }
            finally {
                done.set(true);
            }
            int flips = flipper.get(30, TimeUnit.SECONDS);
            assertThat(flips).as("the directory was swapped while keys were locked").isPositive();
            assertThat(locked + refused).isEqualTo(keys);
            // Refusing is right while the key crosses the link; once the directory stays
            // real, keys lock again.
            if (Files.isSymbolicLink(flipping) || !Files.isDirectory(flipping)) {
                moveAside(flipping, flips);
                Files.createDirectory(flipping);
            }
            lockOnce(registry, "d/after.lock", flavour.kind);
            registry.expireUnusedOlderThan(0);
        }
        try (Stream<Path> landed = Files.walk(outside)) {
            assertThat(landed.filter((path) -> !path.equals(outside)).toList()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void linksThatStayInsideStillLeadLocksThereRelativeAbsoluteAndThroughDotDot(Flavour flavour) throws IOException {
        Path root = this.temp.resolve("locks");
        Path outside = Files.createDirectories(this.temp.resolve("outside"));
        try (FileLockRegistry registry = flavour.registry(root)) {
            Path real = root.toRealPath();
            Files.createDirectories(real.resolve("real"));
            Files.createDirectories(real.resolve("sub"));
            Files.createSymbolicLink(real.resolve("relative"), Path.of("real"));
            Files.createSymbolicLink(real.resolve("absolute"), real.resolve("real"));
            Files.createSymbolicLink(real.resolve("sub/up"), Path.of("../real"));
            Path inside = real.resolve("real");
            lockAndCheck(registry, "relative/r.lock", flavour.kind, inside, "r.lock");
            lockAndCheck(registry, "absolute/a.lock", flavour.kind, inside, "a.lock");
            lockAndCheck(registry, "sub/up/u.lock", flavour.kind, inside, "u.lock");

            // After first use, swapped for a link that stays inside: followed by the
            // core's walk.
            Lock handle = flavour.handle(registry, "moved/m.lock");
            lockOnce(handle);
            Files.move(real.resolve("moved"), real.resolve("moved.old"));
            Files.createSymbolicLink(real.resolve("moved"), Path.of("sub/../real"));
            retireIdleResources(registry);
            handle.lock();
            try {
                assertThat(names(inside)).anyMatch((name) -> name.startsWith("m.lock"));
            }
            finally {
                handle.unlock();
            }
        }
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aRegistryKeyStillExcludesAPlainCoreLockAndPythonOnTheSameFile() throws Exception {
        Path root = this.temp.resolve("locks");
        try (FileLockRegistry registry = new FileLockRegistry(root)) {
            Path file = registry.resolve("a/x.lock");
            try (LockHold held = registry.acquire("a/x.lock", LockMode.WRITE, TIMEOUT)) {
                assertThat(CompletableFuture.supplyAsync(() -> FileLock.of(file).tryAcquire().isPresent())
                    .get(10, TimeUnit.SECONDS)).isFalse();
            }
            PythonFilelock.requireFilelock();
            try (ChildProcess python = PythonFilelock.start("hold_lock.py", "FileLock", file.toString())) {
                assertThat(python.awaitReady().call("acquire")).isEqualTo("held");
                assertThatExceptionOfType(FileLockTimeoutException.class)
                    .isThrownBy(() -> registry.acquire("a/x.lock", LockMode.WRITE, Duration.ZERO));
            }
            lockOnce(registry, "a/x.lock", LockMode.WRITE);
        }
    }

    private static void lockAndCheck(FileLockRegistry registry, String key, LockMode kind, Path directory,
            String name) {
        try (LockHold hold = registry.acquire(key, kind, TIMEOUT)) {
            // while held, since a soft lock's files are gone once released
            assertThat(names(directory)).as(key).anyMatch((file) -> file.startsWith(name));
        }
    }

    private static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map((file) -> file.getFileName().toString()).toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void lockOnce(Lock handle) {
        try {
            assertThat(handle.tryLock(10, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        handle.unlock();
    }

    private static void lockOnce(FileLockRegistry registry, String key, LockMode kind) {
        try (LockHold hold = registry.acquire(key, kind, TIMEOUT)) {
            assertThat(hold).isNotNull();
        }
    }

    /** Moves the directory aside and puts a link to {@code target} in its place. */
    private static void swapForLink(Path directory, Path target) throws IOException {
        Files.move(directory, directory.resolveSibling(directory.getFileName() + ".old"));
        Files.createSymbolicLink(directory, target);
    }

    /**
     * Closes what the locks keep open between holds: the registry's entries (SQLite
     * connections) and the core's parked descriptors, which a sweep retires once more
     * than the table's allowed number of other paths are parked.
     */
    private void retireIdleResources(FileLockRegistry registry) {
        registry.expireUnusedOlderThan(0);
        Path churn = this.temp.resolve("churn");
        for (int i = 0; i < 300; i++) {
            FileLock.of(churn.resolve(i + ".lock")).acquire().close();
        }
    }

    /**
     * Swaps the directory for a link out and back until told to stop; returns the number
     * of swaps.
     */
    private static int flip(Path directory, Path outside, AtomicBoolean done) {
        int flips = 0;
        while (!done.get()) {
            moveAside(directory, flips++);
            link(directory, outside);
            pause();
            moveAside(directory, flips++);
            try {
                Files.createDirectory(directory);
            }
            catch (FileAlreadyExistsException createdByALock) {
                // a lock's walk made it meanwhile: as good
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            pause();
        }
        return flips;
    }

    /**
     * Keeps each state for a random while up to 2 ms, so that slow opens (SQLite) also
     * see a stable real directory sometimes, while fast ones keep meeting the swap in
     * every phase of their walk.
     */
    private static void pause() {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
    }

    private static void moveAside(Path directory, int flip) {
        try {
            Files.move(directory, directory.resolveSibling("aside-" + flip));
        }
        catch (NoSuchFileException alreadyAside) {
            // nothing there
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void link(Path directory, Path outside) {
        try {
            Files.createSymbolicLink(directory, outside);
        }
        catch (FileAlreadyExistsException createdByALock) {
            // a lock made the directory meanwhile; next round
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
