package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;
import dev.filelock.FileLockDiagnostics.ActiveLock;
import dev.filelock.internal.flock.FlockExclusiveBackend;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.readwrite.ReadWriteTable;
import dev.filelock.testing.OpenDescriptors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to the native read/write lock in one JVM: its two files,
 * descriptors, failures, diagnostics.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class NativeReadWriteFileLockFileTests {

    @TempDir
    Path directory;

    @Test
    void holdsLeaveTheLockFileAndItsGateEmptyAndNeverDeleteThem() throws IOException {
        Path path = directory.resolve("data.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            assertThat(directory).isEmptyDirectory();
            try (LockHold read = lock.acquireRead(); LockHold nested = lock.acquireRead()) {
                assertThat(filesIn(directory)).containsExactly("data.lock", "data.lock.writer");
            }
            lock.acquireWrite().close();
        }
        assertThat(filesIn(directory)).containsExactly("data.lock", "data.lock.writer");
        assertThat(path).isEmptyFile();
        assertThat(directory.resolve("data.lock.writer")).isEmptyFile();
        assertThat(Files.getPosixFilePermissions(directory.resolve("data.lock.writer")))
            .isEqualTo(Files.getPosixFilePermissions(path));
    }

    @Test
    void anExplicitFileModeIsAppliedExactlyToTheLockFileAndItsGate() throws IOException {
        Path path = directory.resolve("moded.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.builder(path).fileMode(0606).build()) {
            lock.acquireRead().close();
        }
        // 0606 keeps 'other' write, which every umask in use removes: applied exactly,
        // not filtered.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw----rw-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("moded.lock.writer"))))
            .isEqualTo("rw----rw-");
    }

    @Test
    void rejectsAFileModeOutsideThePermissionBits() {
        assertThatThrownBy(() -> NativeReadWriteFileLock.builder(directory.resolve("x.lock")).fileMode(01000))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("fileMode must be between 0 and 0777 (octal), got 01000");
    }

    @Test
    void idleDescriptorsStayOpenForTheNextHoldUntilTheLockObjectIsClosed() {
        Path path = directory.resolve("idle.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            lock.acquireRead().close();
            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(2);
        }
        assertThat(OpenDescriptors.pointingAt(directory)).isEmpty();
    }

    @Test
    void unclosedLockObjectsOnDistinctPathsPinABoundedNumberOfDescriptors() {
        List<NativeReadWriteFileLock> unclosed = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * ReadWriteTable.MAX_PARKED; i++) {
                NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(directory.resolve("unclosed-" + i + ".lock"));
                unclosed.add(lock);
                lock.acquireWrite().close();
            }
            assertThat(OpenDescriptors.pointingAt(directory)).hasSizeLessThanOrEqualTo(2 * ReadWriteTable.MAX_PARKED);
            try (LockHold read = unclosed.get(0).acquireRead()) {
                assertThat(unclosed.get(0).heldMode()).contains(LockMode.READ);
            }
        }
        finally {
            unclosed.forEach(NativeReadWriteFileLock::close);
        }
        assertThat(OpenDescriptors.pointingAt(directory)).isEmpty();
    }

    @Test
    void aLockFileDeletedWhileIdleIsLockedAnewNotTheDeletedOne() throws IOException {
        // Python filelock 3.28 deletes its lock file on release; a parked descriptor
        // would then lock a ghost.
        Path path = directory.resolve("unlinked.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            lock.acquireWrite().close();
            Files.delete(path);
            try (LockHold write = lock.acquireWrite()) {
                assertThat(path).isRegularFile();
                assertThat(flockTry(path, "--shared")).isEqualTo(1);
            }
        }
    }

    @Test
    void aFileSystemWithoutFlockFailsAtOnceNamingTheAlternativeAndLeavesNothing() {
        FlockExclusiveBackend.FlockCall original = FlockExclusiveBackend.flockCall;
        FlockExclusiveBackend.flockCall = (fd, operation) -> {
            throw new LastErrorException(Posix.ENOSYS);
        };
        Path path = directory.resolve("nfs.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireRead).isInstanceOf(FileLockException.class)
                .hasMessage("Cannot lock '" + path + "': flock is not supported on its file system; use"
                        + " SoftReadWriteFileLock there");
        }
        finally {
            FlockExclusiveBackend.flockCall = original;
        }
        assertThat(directory).isEmptyDirectory();
        assertThat(OpenDescriptors.pointingAt(directory)).isEmpty();
    }

    @Test
    void aGateThatCannotBeUsedIsReportedAsTheLocksGate() throws IOException {
        Path path = directory.resolve("gated.lock");
        Path gate = Files.createDirectory(directory.resolve("gated.lock.writer"));
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireWrite).isInstanceOf(FileLockException.class)
                .hasMessage("Cannot lock '" + path + "': its writers' gate file '" + gate + "': it is a directory");
            assertThat(OpenDescriptors.pointingAt(directory)).isEmpty();
        }
    }

    @Test
    void diagnosticsListTheLockAsANativeReadWriteLockWithItsMode() {
        Path path = directory.resolve("diagnosed.lock");
        try (NativeReadWriteFileLock lock = NativeReadWriteFileLock.of(path)) {
            try (LockHold read = lock.acquireRead()) {
                ActiveLock active = activeLock(path);
                assertThat(active.type()).isEqualTo(FileLockDiagnostics.LockType.NATIVE);
                assertThat(active.type().value()).isEqualTo("native");
                assertThat(active.readWrite()).isTrue();
                assertThat(active.mode()).isEqualTo(LockMode.READ);
                assertThat(active.holders()).singleElement()
                    .satisfies(holder -> assertThat(holder.name()).isEqualTo(Thread.currentThread().getName()));
            }
            try (LockHold write = lock.acquireWrite()) {
                assertThat(activeLock(path).mode()).isEqualTo(LockMode.WRITE);
                assertThat(FileLockDiagnostics.forceRelease(path)).isTrue();
                assertThat(flockTry(path, "--exclusive")).isZero();
            }
        }
    }

    private static ActiveLock activeLock(Path path) {
        return FileLockDiagnostics.activeLocks()
            .stream()
            .filter(lock -> lock.path().getFileName().equals(path.getFileName()))
            .findFirst()
            .orElseThrow();
    }

    static int flockTry(Path path, String mode) {
        try {
            Process flock = new ProcessBuilder("flock", "--nonblock", mode, path.toString(), "true").start();
            assertThat(flock.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return flock.exitValue();
        }
        catch (IOException e) {
            throw new AssertionError("flock(1) from util-linux is required: apt-get install util-linux", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

}
