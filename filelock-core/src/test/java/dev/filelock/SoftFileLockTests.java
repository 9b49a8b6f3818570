package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.LockChild;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The contract run against the marker-file lock, plus its record, staleness and expiry rules. */
class SoftFileLockTests extends AbstractFileLockContractTests {

    private static final Duration FOREVER = Duration.ofSeconds(-1);
    private static final Duration BRIEFLY = Duration.ofMillis(200);

    @Override
    FileLockBuilder<?, ? extends FileLock> builder(Path path) {
        return SoftFileLock.builder(path);
    }

    @Override
    String childLockType() {
        return "soft";
    }

    @Override
    String pythonLockClass() {
        return "SoftFileLock";
    }

    static String kernelHostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    }

    static String record(long pid, String hostname) {
        return pid + "\n" + hostname + "\n";
    }

    void writeRecord(String record, Instant modified) throws IOException {
        Files.writeString(lockPath, record, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(lockPath, FileTime.from(modified));
    }

    static long pidOfAFinishedProcess() throws IOException, InterruptedException {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return finished.pid();
    }

    @Nested
    class Record {

        @Test
        void writesThePidAndHostnameLikePython() throws IOException {
            try (LockHold hold = SoftFileLock.of(lockPath).acquire()) {
                assertThat(lockPath).hasContent(record(ProcessHandle.current().pid(), kernelHostname()));
                assertThat(Files.readString(lockPath)).endsWith("\n").hasLineCount(2);
            }
        }

        @Test
        void recordsTheHostnamePythonsSocketGethostnameReturns() throws Exception {
            PythonFilelock.requireFilelock();
            Process python = new ProcessBuilder(PythonFilelock.PYTHON.toString(), "-c",
                    "import socket; print(socket.gethostname())").start();
            String pythonHostname = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(python.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();

            try (LockHold hold = SoftFileLock.of(lockPath).acquire()) {
                assertThat(Files.readAllLines(lockPath)).element(1).isEqualTo(pythonHostname);
            }
        }

        @Test
        void deletesTheLockFileOnRelease() {
            try (LockHold hold = SoftFileLock.of(lockPath).acquire()) {
                assertThat(lockPath).exists();
            }

            assertThat(lockPath).doesNotExist();
        }

        @Test
        void reportsThisProcessAsOwnerWhileHeld() {
            SoftFileLock lock = SoftFileLock.of(lockPath);

            try (LockHold hold = lock.acquire()) {
                assertThat(lock.owner()).hasValueSatisfying(owner -> {
                    assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
                    assertThat(owner.isCurrentProcess()).isTrue();
                });
            }

            assertThat(lock.owner()).isEmpty();
        }

        @Test
        void reportsAnotherHolderAsOwner() throws IOException {
            writeRecord(record(4242, "other-host.example.com"), Instant.now());

            assertThat(SoftFileLock.of(lockPath).owner()).hasValueSatisfying(owner -> {
                assertThat(owner.pid()).isEqualTo(4242);
                assertThat(owner.hostname()).isEqualTo("other-host.example.com");
                assertThat(owner.isCurrentProcess()).isFalse();
            });
        }

        @Test
        void reportsNoOwnerForAMalformedRecord() throws IOException {
            writeRecord("not-a-pid\n", Instant.now());

            assertThat(SoftFileLock.of(lockPath).owner()).isEmpty();
        }

        @Test
        void appliesAnExplicitModeFilteredByTheUmaskLikePython() throws IOException {
            try (LockHold hold = SoftFileLock.builder(lockPath).fileMode(0666).build().acquire()) {
                assertThat(modeOf(lockPath)).isEqualTo(0666 & ~umask());
            }
        }
    }

    @Nested
    class Staleness {

        @Test
        void reclaimsTheLockOfADeadProcessOnThisHost() throws Exception {
            writeRecord(record(pidOfAFinishedProcess(), kernelHostname()), Instant.now());

            assertThat(recordWhileHeld(SoftFileLock.of(lockPath)))
                    .isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
        }

        @Test
        void reclaimsTheLockWhenItsPidNowBelongsToAProcessStartedAfterTheLockFile() throws Exception {
            Process reusedPid = new ProcessBuilder("sleep", "600").start();
            try {
                writeRecord(record(reusedPid.pid(), kernelHostname()), Instant.now().minus(Duration.ofHours(1)));

                assertThat(recordWhileHeld(SoftFileLock.of(lockPath)))
                        .isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
            } finally {
                reusedPid.destroyForcibly();
            }
        }

        @Test
        void processesReclaimingDeadHoldersLocksTogetherNeverOverlapNorBreakALiveLock() throws Exception {
            Path marker = dir.resolve("inside");
            String deadPid = Long.toString(pidOfAFinishedProcess());
            List<ChildProcess> children = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    children.add(ChildJvm.start("reclaimer-" + i, LockChild.class, "abandon", "soft", lockPath.toString(),
                            marker.toString(), "80", deadPid));
                }
                children.forEach(child -> child.awaitLine("READY"));
                children.forEach(child -> child.send("go"));

                // A live holder's file broken by mistake lets a second holder in (its file is left behind as a
                // tombstone) or, put back after its holder left, wedges everyone until a child times out.
                for (ChildProcess child : children) {
                    assertThat(child.awaitValue("OVERLAPS ")).as(child.describe()).isEqualTo("0");
                }
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.map(p -> p.getFileName().toString()))
                            .as(children.stream().map(ChildProcess::describe).toList().toString())
                            .noneMatch(name -> name.contains(".break."));
                }
            } finally {
                children.forEach(ChildProcess::close);
            }
        }

        @Test
        void neverBreaksTheLockOfALiveHolderThatStartedBeforeTheLockFile() throws IOException {
            long liveOlderPid = ProcessHandle.current().parent().orElseThrow().pid();
            String liveRecord = record(liveOlderPid, kernelHostname());
            writeRecord(liveRecord, Instant.now());

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(liveRecord);
        }

        @Test
        void neverBreaksTheLockOfAnotherHost() throws Exception {
            String foreignRecord = record(pidOfAFinishedProcess(), "other-host.example.com");
            writeRecord(foreignRecord, Instant.now().minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(foreignRecord);
        }

        @Test
        void neverBreaksAnOldLockWithoutARecordAsPython39Writes() throws IOException {
            // Python filelock 3.9.0's SoftFileLock writes no record: its holder cannot be proven dead, however old.
            writeRecord("", Instant.now().minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).exists().isEmptyFile();
        }

        @Test
        void neverBreaksALivePythonHoldersLockEvenWhenItIsOld() throws IOException {
            try (ChildProcess python = PythonFilelock.start("hold_lock.py", "SoftFileLock", lockPath.toString())) {
                python.awaitLine("HELD");
                Files.setLastModifiedTime(lockPath, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

                assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                        .isInstanceOf(FileLockTimeoutException.class);

                python.send("release");
                python.awaitLine("RELEASED");
            }
        }

        @Test
        void neverBreaksAMalformedRecord() throws IOException {
            writeRecord("not-a-pid\n", Instant.now().minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent("not-a-pid\n");
        }
    }

    @Nested
    class Lifetime {

        @Test
        void breaksALockOlderThanTheLifetimeEvenIfItsHolderLives() throws IOException {
            long liveOlderPid = ProcessHandle.current().parent().orElseThrow().pid();
            writeRecord(record(liveOlderPid, kernelHostname()), Instant.now().minus(Duration.ofHours(1)));
            SoftFileLock lock = SoftFileLock.builder(lockPath).lifetime(Duration.ofMinutes(1)).build();

            assertThat(recordWhileHeld(lock)).isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
        }

        @Test
        void aHolderWhoseLockWasBrokenLeavesItsSuccessorsFileAlone() throws IOException {
            try (ChildProcess holder = ChildJvm.start("holder", LockChild.class, "hold", "soft", lockPath.toString())) {
                holder.awaitLine("HELD");
                Files.setLastModifiedTime(lockPath, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
                SoftFileLock successor = SoftFileLock.builder(lockPath).lifetime(Duration.ofMinutes(1)).build();

                try (LockHold hold = successor.acquire(Duration.ofSeconds(30))) {
                    holder.send("release");
                    holder.awaitLine("RELEASED");

                    assertThat(lockPath).hasContent(record(ProcessHandle.current().pid(), kernelHostname()));
                }
            }
        }

        @Test
        void keepsALockYoungerThanTheLifetime() throws IOException {
            long liveOlderPid = ProcessHandle.current().parent().orElseThrow().pid();
            writeRecord(record(liveOlderPid, kernelHostname()), Instant.now());
            SoftFileLock lock = SoftFileLock.builder(lockPath).lifetime(Duration.ofHours(1)).build();

            assertThatThrownBy(() -> lock.acquire(BRIEFLY)).isInstanceOf(FileLockTimeoutException.class);
        }

        @Test
        void acquiresAFreeLockWithALifetime() {
            SoftFileLock lock = SoftFileLock.builder(lockPath).lifetime(Duration.ofSeconds(1)).build();

            try (LockHold hold = lock.acquire()) {
                assertThat(lock.isLocked()).isTrue();
            }
        }

        @Test
        void rejectsAZeroOrNegativeLifetime() {
            assertThatThrownBy(() -> SoftFileLock.builder(lockPath).lifetime(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
            assertThatThrownBy(() -> SoftFileLock.builder(lockPath).lifetime(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
        }
    }

    /**
     * Waits for the lock without a timeout on another thread (so that a wait that never ends fails the test instead of
     * hanging it) and returns the lock file's content while held.
     */
    private String recordWhileHeld(SoftFileLock lock) {
        return Worker.start("acquirer", () -> {
            try (LockHold hold = lock.acquire(FOREVER)) {
                return Files.readString(lockPath);
            }
        }).awaitResult();
    }
}
