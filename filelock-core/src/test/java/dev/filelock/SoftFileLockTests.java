package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.filelock.internal.soft.StaleMarkers;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.Prerequisite;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.math.BigInteger;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract run against the marker-file lock, plus its record, staleness and expiry
 * rules.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
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
                    "import socket; print(socket.gethostname())")
                .start();
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
            }
            finally {
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
                    children.add(LockChild.start("reclaimer-" + i));
                }
                children.forEach(child -> child.send("abandon " + lockPath + " " + marker + " 80 " + deadPid));

                // A live holder's file broken by mistake lets a second holder in (its
                // file is left behind as a
                // tombstone) or, put back after its holder left, wedges everyone until a
                // child times out.
                for (ChildProcess child : children) {
                    assertThat(child.reply()).as(child.describe()).isEqualTo("0");
                }
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.map(p -> p.getFileName().toString()))
                        .as(children.stream().map(ChildProcess::describe).toList().toString())
                        .noneMatch(name -> name.contains(".break."));
                }
            }
            finally {
                children.forEach(ChildProcess::close);
            }
        }

        @Test
        void neverBreaksTheLockOfALiveHolderThatStartedBeforeTheLockFile() throws IOException {
            long liveOlderPid = ProcessHandle.current().parent().orElseThrow().pid();
            String liveRecord = record(liveOlderPid, kernelHostname());
            writeRecord(liveRecord, Instant.now());

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(liveRecord);
        }

        @Test
        void neverBreaksTheLockOfAnotherHost() throws Exception {
            String foreignRecord = record(pidOfAFinishedProcess(), "other-host.example.com");
            writeRecord(foreignRecord, Instant.now().minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(foreignRecord);
        }

        @Test
        void reclaimsAnEmptyLockFileLeftByAHolderKilledBeforeItWroteItsRecord() throws IOException {
            // kill -9 between O_EXCL and the write: nobody has the file open, and it is
            // past the freshness window.
            writeRecord("", Instant.now().minus(Duration.ofMinutes(1)));

            assertThat(recordWhileHeld(SoftFileLock.of(lockPath)))
                .isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
        }

        @Test
        void reclaimsAnUnparsableLockFileThatNobodyHasOpen() throws IOException {
            writeRecord("not-a-pid\n", Instant.now().minus(Duration.ofMinutes(1)));

            assertThat(recordWhileHeld(SoftFileLock.of(lockPath)))
                .isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
        }

        @Test
        void keepsAFreshEmptyLockFileWhoseCreatorMayStillBeWritingIt() throws IOException {
            writeRecord("", Instant.now());

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).exists().isEmptyFile();
        }

        @Test
        void neverBreaksTheEmptyLockFileOfALivePython39HolderHoweverOld() throws IOException {
            // Python filelock 3.9.0's SoftFileLock writes no record; its open descriptor
            // is the only sign of life.
            try (ChildProcess python = PythonFilelock.start("hold_lock.py", "SoftFileLock", lockPath.toString())) {
                assertThat(python.awaitReady().call("acquire")).isEqualTo("held");
                assertThat(lockPath).isEmptyFile();
                Files.setLastModifiedTime(lockPath, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

                assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                    .isInstanceOf(FileLockTimeoutException.class);
                assertThat(lockPath).exists().isEmptyFile();

                assertThat(python.call("release")).isEqualTo("released");
            }
        }

        @Test
        void reclaimsTheLockWhenItsLivePidHasAnotherStartTokenThanRecorded() throws Exception {
            // pid 1 started long before the file was written: only the token tells that
            // it is not the writer.
            long liveOlderPid = 1;
            BigInteger otherToken = startToken(liveOlderPid).add(BigInteger.ONE);
            writeRecord(record(liveOlderPid, kernelHostname()) + otherToken + "\n",
                    Instant.now().minus(Duration.ofSeconds(10)));

            assertThat(recordWhileHeld(SoftFileLock.of(lockPath)))
                .isEqualTo(record(ProcessHandle.current().pid(), kernelHostname()));
        }

        @Test
        void neverBreaksTheLockOfALivePidWhoseStartTokenMatches() throws Exception {
            long liveOlderPid = 1;
            String liveRecord = record(liveOlderPid, kernelHostname()) + startToken(liveOlderPid) + "\n";
            writeRecord(liveRecord, Instant.now().minus(Duration.ofMinutes(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(liveRecord);
        }

        @Test
        void neverBreaksTheSentinelOfPythonsStrictSoftFileLock() throws IOException {
            String sentinel = "1\nfilelock-strict-v1\0\n0\n";
            writeRecord(sentinel, Instant.now().minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(sentinel);
        }

    }

    @Nested
    class NonRegularFiles {

        @Test
        void refusesAFifoAtOnceAndLeavesItAlone() throws Exception {
            Process mkfifo = new ProcessBuilder("mkfifo", lockPath.toString()).start();
            assertThat(mkfifo.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(mkfifo.exitValue()).isZero();
            SoftFileLock lock = SoftFileLock.of(lockPath);

            assertTimeoutPreemptively(ChildProcess.HANG_GUARD, () -> {
                assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(30))).isInstanceOf(FileLockException.class)
                    .isNotInstanceOf(FileLockTimeoutException.class)
                    .hasMessageContaining(lockPath.toString())
                    .hasMessageContaining("not a regular file");
                assertThat(lock.owner()).isEmpty();
            });

            assertThat(Files.readAttributes(lockPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
                .as("the FIFO is still there")
                .isTrue();
        }

        @Test
        void refusesAFifoOlderThanTheLifetimeInsteadOfExpiringIt() throws Exception {
            Process mkfifo = new ProcessBuilder("mkfifo", lockPath.toString()).start();
            assertThat(mkfifo.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // touch(1) sets the times without opening the FIFO (Files.setLastModifiedTime
            // would open it and block).
            Process backdate = new ProcessBuilder("touch", "-m", "-d", "1 hour ago", lockPath.toString()).start();
            assertThat(backdate.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(backdate.exitValue()).isZero();
            SoftFileLock lock = SoftFileLock.builder(lockPath).lifetime(Duration.ofMinutes(1)).build();

            assertTimeoutPreemptively(ChildProcess.HANG_GUARD,
                    () -> assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(30)))
                        .isInstanceOf(FileLockException.class)
                        .isNotInstanceOf(FileLockTimeoutException.class)
                        .hasMessageContaining("not a regular file"));

            assertThat(Files.readAttributes(lockPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
                .as("the FIFO is still there")
                .isTrue();
        }

        @Test
        void refusesASocketAtOnceAndLeavesItAlone() throws Exception {
            try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                socket.bind(UnixDomainSocketAddress.of(lockPath));

                assertTimeoutPreemptively(ChildProcess.HANG_GUARD,
                        () -> assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(Duration.ofSeconds(30)))
                            .isInstanceOf(FileLockException.class)
                            .isNotInstanceOf(FileLockTimeoutException.class)
                            .hasMessageContaining(lockPath.toString())
                            .hasMessageContaining("not a regular file"));

                assertThat(
                        Files.readAttributes(lockPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
                    .as("the socket is still there")
                    .isTrue();
            }
        }

    }

    @Nested
    class Heartbeat {

        @Test
        void refreshesTheLockFileWhileHeld() throws IOException {
            try (LockHold hold = SoftFileLock.of(lockPath).acquire()) {
                Instant backdated = Instant.now().minus(Duration.ofHours(1));
                Files.setLastModifiedTime(lockPath, FileTime.from(backdated));

                await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.getLastModifiedTime(lockPath)
                        .toInstant()
                        .isAfter(backdated.plus(Duration.ofMinutes(59))));
            }
        }

        @Test
        void neverBreaksARecentlyRefreshedLockWhateverItsPid() throws Exception {
            // What a holder in another PID namespace looks like from here: a pid that
            // does not run, refreshed lately.
            String refreshedRecord = record(pidOfAFinishedProcess(), kernelHostname());
            writeRecord(refreshedRecord, Instant.now());

            assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(BRIEFLY))
                .isInstanceOf(FileLockTimeoutException.class);

            assertThat(lockPath).hasContent(refreshedRecord);
        }

        @Test
        void doesNotRefreshALockWithALifetimeWhoseAgeIsItsExpiry() throws IOException {
            Path refreshed = dir.resolve("refreshed.lock");
            try (LockHold withLifetime = SoftFileLock.builder(lockPath).lifetime(Duration.ofDays(1)).build().acquire();
                    LockHold without = SoftFileLock.of(refreshed).acquire()) {
                Instant backdated = Instant.now().minus(Duration.ofHours(1));
                Files.setLastModifiedTime(lockPath, FileTime.from(backdated));
                Files.setLastModifiedTime(refreshed, FileTime.from(backdated));

                await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.getLastModifiedTime(refreshed)
                        .toInstant()
                        .isAfter(backdated.plus(Duration.ofMinutes(59))));

                assertThat(Files.getLastModifiedTime(lockPath).toInstant()).isEqualTo(backdated);
            }
        }

        @Test
        void oneThreadRefreshesEveryHoldAndEndsAfterTheLastRelease() throws IOException {
            List<LockHold> holds = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    holds.add(SoftFileLock.of(dir.resolve("held-" + i + ".lock")).acquire());
                }

                assertThat(heartbeatThreads()).isEqualTo(1);
            }
            finally {
                holds.forEach(LockHold::close);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeatThreads() == 0);
        }

        private static long heartbeatThreads() {
            return Thread.getAllStackTraces()
                .keySet()
                .stream()
                .filter(thread -> thread.getName().equals("filelock-soft-heartbeat"))
                .count();
        }

        @Test
        void neverBreaksTheLockOfAHolderInAnotherPidNamespace() throws Exception {
            Prerequisite.require(ChildJvm.runningAsRoot() && Files.isExecutable(Path.of("/usr/bin/unshare")),
                    "root and unshare(1) (util-linux), to hold a lock from another PID namespace");
            long hiddenPid = pidFreeInThisNamespace();
            // The child's pid in its namespace is one that does not run here, as a
            // container's holder looks to us.
            List<String> inOwnPidNamespace = List.of(
                    "unshare", "--pid", "--fork", "--kill-child", "sh", "-c", "echo " + (hiddenPid - 1)
                            + " > /proc/sys/kernel/ns_last_pid || exit 1; exec 3<&0; " + "\"$@\" 0<&3 3<&- & wait $!",
                    "sh");
            try (ChildProcess holder = ChildJvm.startUnder("holder-in-pid-namespace", inOwnPidNamespace,
                    LockChild.class)) {
                holder.awaitReady();
                assertThat(holder.call("acquire soft " + lockPath)).isEqualTo("held");
                assertThat(Files.readAllLines(lockPath)).as(holder.describe())
                    .first()
                    .isEqualTo(Long.toString(hiddenPid));
                assertThat(ProcessHandle.of(hiddenPid)).isEmpty();

                // Longer than the freshness window: only the holder's heartbeat keeps its
                // lock from being broken.
                assertThatThrownBy(() -> SoftFileLock.of(lockPath).acquire(StaleMarkers.FRESHNESS.plusSeconds(2)))
                    .isInstanceOf(FileLockTimeoutException.class);

                LockChild.release(holder);
            }
            try (LockHold hold = SoftFileLock.of(lockPath).acquire(Duration.ofSeconds(10))) {
                assertThat(lockPath).hasContent(record(ProcessHandle.current().pid(), kernelHostname()));
            }
        }

        private static long pidFreeInThisNamespace() throws IOException {
            long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim());
            for (long pid = pidMax - 2; pid > pidMax / 2; pid--) {
                if (!Files.exists(Path.of("/proc", Long.toString(pid)))
                        && !Files.exists(Path.of("/proc", Long.toString(pid - 1)))) {
                    return pid;
                }
            }
            throw new IllegalStateException("no free pid below " + pidMax);
        }

    }

    @Nested
    class CreateFailures {

        @Test
        void endsAtItsTimeoutWhenCreateKeepsFailingWithEnoentInAnExistingDirectory() {
            // /proc/self exists, but nothing can be created in it: FUSE and NFS mounts
            // answer ENOENT like this too.
            SoftFileLock lock = SoftFileLock.of(Path.of("/proc/self/x.lock"));

            assertTimeoutPreemptively(ChildProcess.HANG_GUARD, () -> {
                assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(500)))
                    .isInstanceOf(FileLockTimeoutException.class);
                assertThat(lock.tryAcquire()).isEmpty();
            });
        }

    }

    @Nested
    class Crashes {

        @Test
        void aHolderKilledAtAnyMomentNeverWedgesTheNextAcquirer() throws Exception {
            Path counter = dir.resolve("counter");
            Random random = new Random();
            for (int round = 0; round < 5; round++) {
                try (ChildProcess looper = LockChild.start("looper-" + round)) {
                    looper.send("count soft " + lockPath + " " + counter + " 1 100000000");
                    await().atMost(ChildProcess.HANG_GUARD).until(() -> Files.exists(counter));
                    Thread.sleep(random.nextInt(200));
                    looper.kill();
                }

                // Whatever the kill interrupted (create, write, hold, delete), the lock
                // comes back.
                try (LockHold hold = SoftFileLock.of(lockPath).acquire(StaleMarkers.FRESHNESS.plusSeconds(10))) {
                    assertThat(hold.path()).isEqualTo(lockPath);
                }
            }
        }

    }

    static BigInteger startToken(long pid) throws IOException {
        // Files.readString may truncate procfs files, which report a size of zero.
        String bootId = Files.readAllLines(Path.of("/proc/sys/kernel/random/boot_id")).get(0).trim().replace("-", "");
        String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).get(0);
        String starttime = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ")[19];
        return new BigInteger(bootId, 16).shiftLeft(64).or(new BigInteger(starttime));
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
            try (ChildProcess holder = LockChild.holding("holder", "soft", lockPath)) {
                Files.setLastModifiedTime(lockPath, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
                SoftFileLock successor = SoftFileLock.builder(lockPath).lifetime(Duration.ofMinutes(1)).build();

                try (LockHold hold = successor.acquire(Duration.ofSeconds(30))) {
                    LockChild.release(holder);

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
                assertThat(lock.isHeldByCurrentThread()).isTrue();
            }
        }

        @Test
        void rejectsAZeroOrNegativeLifetime() {
            assertThatThrownBy(() -> SoftFileLock.builder(lockPath).lifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lifetime");
            assertThatThrownBy(() -> SoftFileLock.builder(lockPath).lifetime(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lifetime");
        }

    }

    /**
     * Waits for the lock without a timeout on another thread (so that a wait that never
     * ends fails the test instead of hanging it) and returns the lock file's content
     * while held.
     */
    private String recordWhileHeld(SoftFileLock lock) {
        return Worker.start("acquirer", () -> {
            try (LockHold hold = lock.acquire(FOREVER)) {
                return Files.readString(lockPath);
            }
        }).awaitResult();
    }

}
