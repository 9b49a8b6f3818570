package dev.filelock;

import static dev.filelock.DiagnosticsKeepLocksTests.pythonTry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.exclusive.ExclusiveTable;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.sqlite.SqliteReadWriteBackend;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link FileLock} (flock) and a {@link ReadWriteFileLock} (SQLite, POSIX locks) on one
 * file in one JVM, under any name: the second is refused, since closing a flock
 * descriptor of the file (a replaced file's unlock, a parked descriptor retired, a kernel
 * waiter giving up) would drop SQLite's locks and let another process write meanwhile.
 * Checked from outside by a Python process following the SQLite protocol, and by another
 * JVM's flock attempt.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class MixedLockKindsTests {

    private static final String USE_ONE_KIND = "use one lock kind per file";

    private static final String THROUGH_FLOCK = "through flock (a FileLock or NativeReadWriteFileLock)";

    @TempDir
    Path directory;

    @Test
    void aFileLockOnAFileHeldAsAReadWriteLockIsRefusedAndTheWriteLockStaysHeld() throws Exception {
        Path path = directory.resolve("rw-first.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            int descriptors = OpenDescriptors.pointingAt(directory).size();

            assertThatThrownBy(() -> FileLock.of(path).tryAcquire()).isInstanceOf(FileLockException.class)
                .hasMessageContaining("this JVM holds '" + path + "' as a ReadWriteFileLock (SQLite)")
                .hasMessageContaining(USE_ONE_KIND);
            assertThatThrownBy(() -> FileLock.of(path).acquire(Duration.ofSeconds(5)))
                .isInstanceOf(FileLockException.class);

            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(descriptors);
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
            assertThat(readWrite.heldMode()).contains(LockMode.WRITE);
        }
        assertThat(pythonTry(path, "write")).isEqualTo("acquired");
    }

    @Test
    void retiringParkedFileLockDescriptorsNeverDropsAReadWriteLockOfTheSameFile() throws Exception {
        Path path = directory.resolve("retired.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            FileLock sameFile = FileLock.of(path);
            assertThatThrownBy(() -> sameFile.acquire().close()).hasMessageContaining(USE_ONE_KIND);
            // More parked descriptors than the table keeps: the sweep retires (closes)
            // the longest-parked ones.
            for (int i = 0; i <= ExclusiveTable.MAX_IDLE_ENTRIES; i++) {
                FileLock.of(directory.resolve("other-" + i + ".lock")).acquire().close();
            }

            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void aFileLockThroughAHardLinkOfAReadWriteLockFileIsRefused() throws Exception {
        Path path = directory.resolve("rw-linked.lock");
        Path link = directory.resolve("other-name.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            Files.createLink(link, path);

            assertThatThrownBy(() -> FileLock.of(link).tryAcquire()).isInstanceOf(FileLockException.class)
                .hasMessageContaining("this JVM holds '" + link + "' as a ReadWriteFileLock (SQLite)");

            assertThat(OpenDescriptors.pointingAt(link)).isEmpty();
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void aReadWriteLockOnAFileHeldAsAFileLockIsRefusedAndClosesItsConnection() throws Exception {
        Path path = directory.resolve("flock-first.lock");
        FileLock fileLock = FileLock.of(path);
        try (LockHold hold = fileLock.acquire()) {
            int connections = SqliteReadWriteBackend.OPEN_CONNECTIONS.get();
            int descriptors = OpenDescriptors.pointingAt(directory).size();

            try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path)) {
                assertThatThrownBy(readWrite::acquireWrite).isInstanceOf(FileLockException.class)
                    .hasMessageContaining("this JVM holds '" + path + "' " + THROUGH_FLOCK)
                    .hasMessageContaining(USE_ONE_KIND);
                // Refused again: the first refusal left no half-open connection behind.
                assertThatThrownBy(readWrite::tryAcquireRead).hasMessageContaining(USE_ONE_KIND);
            }

            assertThat(SqliteReadWriteBackend.OPEN_CONNECTIONS.get()).isEqualTo(connections);
            assertThat(OpenDescriptors.pointingAt(directory)).hasSize(descriptors);
            assertThat(fileLock.isHeldByCurrentThread()).isTrue();
            assertThat(LockHolderChild.tryLockInChild(path)).isEqualTo("busy");
        }
    }

    @Test
    void aReadWriteLockThroughAHardLinkOfAFileLockFileIsRefused() throws Exception {
        Path path = directory.resolve("flock-linked.lock");
        Path link = directory.resolve("other-name.db");
        FileLock fileLock = FileLock.of(path);
        try (LockHold hold = fileLock.acquire(); ReadWriteFileLock readWrite = ReadWriteFileLock.of(link)) {
            Files.createLink(link, path);

            assertThatThrownBy(readWrite::acquireWrite).isInstanceOf(FileLockException.class)
                .hasMessageContaining("this JVM holds '" + link + "' " + THROUGH_FLOCK);

            assertThat(OpenDescriptors.pointingAt(link)).isEmpty();
            assertThat(LockHolderChild.tryLockInChild(path)).isEqualTo("busy");
        }
    }

    @Test
    void aReadWriteLockOnAFileAKernelWaiterHasOpenIsRefused() throws Exception {
        Path path = directory.resolve("waited.lock");
        try (ChildProcess holder = LockChild.holding("holder", "native", path)) {
            FileLock fileLock = FileLock.of(path);
            Worker<Boolean> waiter = Worker.start("waiter", () -> {
                try (LockHold hold = fileLock.acquire(ChildProcess.HANG_GUARD)) {
                    return fileLock.isHeldByCurrentThread();
                }
            });
            // The entry's descriptor and the kernel waiter's, blocked in flock: giving it
            // back closes it.
            await().atMost(ChildProcess.HANG_GUARD)
                .untilAsserted(() -> assertThat(OpenDescriptors.pointingAt(path)).hasSize(2));

            try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path)) {
                assertThatThrownBy(readWrite::acquireWrite).isInstanceOf(FileLockException.class)
                    .hasMessageContaining(USE_ONE_KIND);
            }

            LockChild.release(holder);
            assertThat(waiter.awaitResult()).isTrue();
        }
    }

    @Test
    void aFlockDescriptorOpenedOnAFileRenamedOntoThePathMeanwhileIsKeptOpenUntilSqliteClosesIt() throws Exception {
        Path path = directory.resolve("renamed-onto.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            int descriptors = OpenDescriptors.pointingAt(path).size();

            // As if the path named nothing when examined, and SQLite's file was renamed
            // onto it before the open.
            assertThatThrownBy(() -> LockFileReads.openFlockDescriptor(path, () -> null,
                    () -> Posix.open(Posix.cString(path), Posix.O_RDWR | Posix.O_CLOEXEC)))
                .hasMessageContaining("as a ReadWriteFileLock (SQLite)");

            assertThat(OpenDescriptors.pointingAt(path)).hasSize(descriptors + 1); // deferred,
                                                                                   // not
                                                                                   // closed
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void aSoftLockLifetimeNeverBreaksAFileThisJvmHoldsThroughSqlite() throws Exception {
        Path path = directory.resolve("soft-lifetime.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            ageByAnHour(path);
            SoftFileLock soft = SoftFileLock.builder(path).lifetime(Duration.ofMinutes(1)).build();

            assertThat(soft.tryAcquire()).isEmpty();

            assertThat(path).exists();
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    @Test
    void anOldEmptyFileThisJvmHoldsThroughSqliteIsNeverReclaimedAsAnAbandonedSoftMarker() throws Exception {
        // SQLite's lock file stays 0 bytes: to a soft lock it looks like a marker whose
        // writer died before writing.
        Path path = directory.resolve("empty-old.lock");
        try (ReadWriteFileLock readWrite = ReadWriteFileLock.of(path); LockHold write = readWrite.acquireWrite()) {
            ageByAnHour(path);
            assertThat(Files.size(path)).isZero();

            assertThat(SoftFileLock.of(path).tryAcquire()).isEmpty();
            assertThat(SoftFileLock.of(path).tryAcquire()).isEmpty();

            assertThat(path).exists();
            assertThat(pythonTry(path, "write")).isEqualTo("busy");
        }
    }

    /**
     * touch(1) sets the time by path (utimensat); Files.setLastModifiedTime opens the
     * file, dropping SQLite's locks.
     */
    private static void ageByAnHour(Path path) throws Exception {
        Process touch = new ProcessBuilder("touch", "-m", "-d", "1 hour ago", path.toString()).inheritIO().start();
        assertThat(touch.waitFor()).isZero();
        assertThat(Files.getLastModifiedTime(path).toInstant()).isBefore(Instant.now().minus(Duration.ofMinutes(30)));
    }

}
