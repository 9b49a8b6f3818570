package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildProcess;
import dev.filelock.fixtures.LockChild;
import dev.filelock.testing.OpenDescriptors;
import dev.filelock.testing.PythonFilelock;
import dev.filelock.testing.Worker;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract run against the native {@code flock(2)} lock, plus what only the native
 * lock does.
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
class FileLockTests extends AbstractFileLockContractTests {

    @Override
    FileLockBuilder<?, ? extends FileLock> builder(Path path) {
        return FileLock.builder(path);
    }

    @Override
    String childLockType() {
        return "native";
    }

    @Override
    String pythonLockClass() {
        return "FileLock";
    }

    @Nested
    class RealFlock {

        @Test
        void showsInProcLocksAsAFlockOfThisProcessOnTheLockFile() throws IOException {
            try (LockHold hold = FileLock.of(lockPath).acquire()) {
                long inode = (Long) Files.getAttribute(lockPath, "unix:ino");

                assertThat(Files.readAllLines(Path.of("/proc/locks"))).anySatisfy(line -> assertThat(line.split("\\s+"))
                    .contains("FLOCK", "WRITE", Long.toString(ProcessHandle.current().pid()))
                    .anySatisfy(field -> assertThat(field).endsWith(":" + inode)));
            }
        }

        @Test
        void theFlockCommandCannotTakeTheLockWhileJavaHoldsIt() {
            try (LockHold hold = FileLock.of(lockPath).acquire()) {
                assertThat(flockCommandTryExitCode()).isEqualTo(1);
            }

            assertThat(flockCommandTryExitCode()).isZero();
        }

        @Test
        void javaCannotTakeTheLockWhileTheFlockCommandHoldsIt() {
            try (ChildProcess flock = ChildProcess.start("flock(1)",
                    new ProcessBuilder("flock", lockPath.toString(), "sh", "-c", "echo HELD; read line"))) {
                flock.awaitLine("HELD");

                assertThat(FileLock.of(lockPath).tryAcquire()).isEmpty();

                flock.send("release");
                assertThat(flock.awaitExit()).isZero();
                assertThat(FileLock.of(lockPath).tryAcquire()).hasValueSatisfying(LockHold::close);
            }
        }

        @Test
        void closingAnotherDescriptorOfTheFileInThisJvmKeepsTheLock() throws IOException {
            // A fcntl lock would be dropped here; a flock lock belongs to its own open
            // file description.
            try (LockHold hold = FileLock.of(lockPath).acquire()) {
                Files.readAllBytes(lockPath);
                try (var channel = java.nio.channels.FileChannel.open(lockPath)) {
                    assertThat(channel.isOpen()).isTrue();
                }

                assertThat(flockCommandTryExitCode()).isEqualTo(1);
            }
        }

        private int flockCommandTryExitCode() {
            try {
                Process flock = new ProcessBuilder("flock", "--nonblock", lockPath.toString(), "true").start();
                assertThat(flock.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)).isTrue();
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

    }

    @Nested
    class LockFile {

        @Test
        void keepsTheLockFileAfterRelease() {
            FileLock.of(lockPath).acquire().close();

            assertThat(lockPath).exists().isEmptyFile();
        }

        @Test
        void appliesAnExplicitModeExactlyWhateverTheUmask() throws IOException {
            assertThat(umask()).as("this test needs a umask that removes group or other write").isNotZero();

            FileLock.builder(lockPath).fileMode(0666).build().acquire().close();

            assertThat(modeOf(lockPath)).isEqualTo(0666);
        }

        @Test
        void appliesAnExplicitModeToAnExistingLockFile() throws IOException {
            Files.createFile(lockPath);
            Files.setPosixFilePermissions(lockPath, PosixFilePermissions.fromString("rw-------"));

            FileLock.builder(lockPath).fileMode(0644).build().acquire().close();

            assertThat(modeOf(lockPath)).isEqualTo(0644);
        }

        @Test
        void keepsABoundedNumberOfDescriptorsOpenAfterUsingManyDistinctPaths() {
            int paths = 300;
            for (int i = 0; i < paths; i++) {
                FileLock.of(dir.resolve("many/" + i + ".lock")).acquire().close();
            }

            // Recently used paths may keep a descriptor open for reuse, but not one per
            // path ever used.
            assertThat(OpenDescriptors.pointingAt(dir).size()).isLessThanOrEqualTo(paths / 2);
        }

        @Test
        void hasNoLifetimeOption() {
            List<String> builderMethods = Arrays.stream(FileLock.Builder.class.getMethods())
                .map(Method::getName)
                .toList();

            assertThat(builderMethods).contains("timeout", "fileMode").doesNotContain("lifetime");
        }

    }

    @Nested
    class PeerThatDeletesTheLockFile {

        @Test
        void neverProducesTwoHoldersWithAPeerThatUnlinksBeforeUnlocking() {
            Path counter = dir.resolve("counter.txt");
            int peerIncrements = 200;
            int javaIncrements = 200;
            try (ChildProcess peer = PythonFilelock.startStandardLibraryScript("unlinking_peer.py", lockPath.toString(),
                    counter.toString(), Integer.toString(peerIncrements))) {
                peer.awaitReady().send("count");
                List<Worker<Integer>> javaThreads = List.of(
                        Worker.start("java-1",
                                () -> LockChild.incrementUnderLock(FileLock.of(lockPath), counter, javaIncrements)),
                        Worker.start("java-2",
                                () -> LockChild.incrementUnderLock(FileLock.of(lockPath), counter, javaIncrements)));

                int total = Integer.parseInt(peer.reply()) + javaThreads.stream().mapToInt(Worker::awaitResult).sum();

                assertThat(total).isEqualTo(peerIncrements + 2 * javaIncrements);
                assertThat(counter).hasContent(Integer.toString(total));
            }
        }

    }

}
