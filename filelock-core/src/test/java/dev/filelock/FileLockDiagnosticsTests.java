package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.FileLockDiagnostics.ActiveLock;
import dev.filelock.FileLockDiagnostics.LockType;
import dev.filelock.FileLockDiagnostics.Probe;
import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// "try": these try-with-resources blocks hold a lock for their duration; the handle is deliberately unreferenced.
@SuppressWarnings("try")
class FileLockDiagnosticsTests {

    @TempDir
    Path directory;

    @Test
    void listsAHeldNativeLockWithItsHolderAndWaitingThread() throws Exception {
        Path path = directory.resolve("held.lock");
        FileLock lock = FileLock.of(path);
        Instant before = Instant.now();
        try (LockHold outer = lock.acquire(); LockHold inner = lock.acquire()) {
            Worker<Boolean> waiter = Worker.start("waiter", () -> {
                try (LockHold hold = lock.acquire()) {
                    return true;
                }
            }).awaitParked();

            ActiveLock active = lockAt(path.toRealPath());
            assertThat(active.type()).isEqualTo(LockType.NATIVE);
            assertThat(active.readWrite()).isFalse();
            assertThat(active.mode()).isNull();
            assertThat(active.holders()).singleElement().satisfies(holder -> {
                assertThat(holder.name()).isEqualTo(Thread.currentThread().getName());
                assertThat(holder.holdCount()).isEqualTo(2);
                assertThat(holder.since()).isBetween(before, Instant.now());
            });
            assertThat(active.waitingThreads()).containsExactly("waiter");
            inner.close();
            outer.close();
            assertThat(waiter.awaitResult()).isTrue();
        }
        Path canonical = path.toRealPath();
        assertThat(FileLockDiagnostics.activeLocks()).noneMatch(active -> active.path().equals(canonical));
    }

    @Test
    void listsReadersAndWritersOfAReadWriteLock() throws Exception {
        Path path = directory.resolve("rw.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            try (LockHold read = lock.acquireRead()) {
                ActiveLock active = lockAt(path.toRealPath());
                assertThat(active.type()).isEqualTo(LockType.SQLITE);
                assertThat(active.readWrite()).isTrue();
                assertThat(active.mode()).isEqualTo(LockMode.READ);
                assertThat(active.holders()).singleElement()
                    .satisfies(holder -> assertThat(holder.name()).isEqualTo(Thread.currentThread().getName()));
            }
            try (LockHold write = lock.acquireWrite()) {
                assertThat(lockAt(path.toRealPath()).mode()).isEqualTo(LockMode.WRITE);
            }
        }
    }

    @Test
    void probeFindsTheOtherProcessHoldingANativeLock() throws Exception {
        Path path = directory.resolve("native.lock");
        try (ChildProcess child = LockHolderChild.holding("native", path)) {
            Probe probe = FileLockDiagnostics.probe(path);
            assertThat(probe.kernelTableRead()).isTrue();
            assertThat(probe.heldByAnotherProcess()).isTrue();
            assertThat(probe.otherProcesses())
                .containsExactly(new ProcessHolder(child.pid(), null, "flock", LockMode.WRITE));
        }
        assertThat(FileLockDiagnostics.probe(path).heldByAnotherProcess()).isFalse();
    }

    @Test
    void probeDoesNotReportThisProcessAsAnother() throws Exception {
        Path path = directory.resolve("mine.lock");
        try (LockHold hold = FileLock.of(path).acquire()) {
            assertThat(FileLockDiagnostics.probe(path).heldByAnotherProcess()).isFalse();
        }
    }

    @Test
    void probeFindsTheOtherProcessesReadingASqliteLock() throws Exception {
        Path path = directory.resolve("shared.db");
        try (ChildProcess child = LockHolderChild.holding("read", path)) {
            assertThat(FileLockDiagnostics.probe(path).otherProcesses())
                .containsExactly(new ProcessHolder(child.pid(), null, "posix", LockMode.READ));
        }
        try (ChildProcess child = LockHolderChild.holding("write", path)) {
            assertThat(FileLockDiagnostics.probe(path).otherProcesses())
                .contains(new ProcessHolder(child.pid(), null, "posix", LockMode.WRITE));
        }
    }

    @Test
    void probeReadsThePidAndHostRecordedInASoftLockFile() throws Exception {
        Path path = directory.resolve("soft.lock");
        Files.writeString(path, "4242\nbuild-host-7\n", StandardCharsets.UTF_8);

        assertThat(FileLockDiagnostics.probe(path).otherProcesses())
            .containsExactly(new ProcessHolder(4242, "build-host-7", "lock file record", LockMode.WRITE));
    }

    @Test
    void probeReadsTheMarkersOfASoftReadWriteLock() throws Exception {
        Path path = directory.resolve("soft-rw");
        Files.writeString(directory.resolve("soft-rw.write"), "0123456789abcdef0123456789abcdef\n4242\nwriter-host\n");
        Path readers = Files.createDirectory(directory.resolve("soft-rw.readers"));
        Files.writeString(readers.resolve("fedcba9876543210fedcba9876543210.4343"),
                "fedcba9876543210fedcba9876543210\n4343\nreader-host\n");

        Probe probe = FileLockDiagnostics.probe(path);

        assertThat(probe.exists()).isTrue();
        assertThat(probe.otherProcesses()).containsExactlyInAnyOrder(
                new ProcessHolder(4242, "writer-host", "marker file", LockMode.WRITE),
                new ProcessHolder(4343, "reader-host", "marker file", LockMode.READ));
    }

    @Test
    void listsASoftReadWriteLockHeldByThisProcessWithoutReportingItAsAnother() throws Exception {
        Path path = directory.resolve("mine-rw");
        try (SoftReadWriteFileLock lock = SoftReadWriteFileLock.of(path); LockHold hold = lock.acquireWrite()) {
            assertThat(lockAt(path.toAbsolutePath().getParent().toRealPath().resolve("mine-rw")).type())
                .isEqualTo(LockType.SOFT_READ_WRITE);
            assertThat(FileLockDiagnostics.probe(path).heldByAnotherProcess()).isFalse();
        }
    }

    @Test
    void probeOfAMissingFileCreatesNothing() {
        Path path = directory.resolve("nested/missing.lock");

        Probe probe = FileLockDiagnostics.probe(path);

        assertThat(probe.exists()).isFalse();
        assertThat(probe.heldByAnotherProcess()).isFalse();
        assertThat(directory.resolve("nested")).doesNotExist();
    }

    @Test
    void forceReleaseGivesTheOsLockBackAndHandsItToAWaitingThread() throws Exception {
        Path path = directory.resolve("stuck.lock");
        FileLock lock = FileLock.of(path);
        LockHold stuck = lock.acquire();
        Worker<String> waiter = Worker.start("waiter", () -> {
            try (LockHold hold = lock.acquire(Duration.ofSeconds(30))) {
                return "acquired";
            }
        }).awaitParked();

        assertThat(FileLockDiagnostics.forceRelease(path)).isTrue();

        assertThat(waiter.awaitResult()).isEqualTo("acquired");
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        stuck.close(); // the former holder's release is a no-op
        assertThat(LockHolderChild.tryLockInChild(path)).isEqualTo("acquired");
        assertThat(FileLockDiagnostics.forceRelease(path)).isFalse();
    }

    @Test
    void forceReleaseEndsReadWriteHolds() throws Exception {
        Path path = directory.resolve("stuck.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            LockHold stuck = lock.acquireWrite();

            assertThat(FileLockDiagnostics.forceRelease(path)).isTrue();

            assertThat(lock.heldMode()).isEmpty();
            Worker<Boolean> other = Worker.start("other", () -> {
                try (LockHold hold = lock.acquireWrite(Duration.ofSeconds(5))) {
                    return true;
                }
            });
            assertThat(other.awaitResult()).isTrue();
            stuck.close();
        }
    }

    private static ActiveLock lockAt(Path canonical) {
        List<ActiveLock> matching = FileLockDiagnostics.activeLocks()
            .stream()
            .filter(active -> active.path().equals(canonical))
            .toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

}
