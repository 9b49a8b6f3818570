package dev.filelock.internal.flock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.Ownership;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.ExclusiveBackend;
import dev.filelock.internal.ExclusiveBackend.OsHold;
import dev.filelock.internal.ExclusiveRequest;
import dev.filelock.internal.LockOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlockExclusiveBackend} on its own: what it keeps open and what it closes,
 * checked with {@code flock(1)} in another process.
 */
class FlockExclusiveBackendTests {

    @TempDir
    Path directory;

    @Test
    void discardingASurplusHoldKeepsTheHoldOnTheFileAtThePathNow() throws Exception {
        Path path = directory.resolve("replaced.lock");
        FlockExclusiveBackend backend = new FlockExclusiveBackend(path);
        ExclusiveRequest request = new ExclusiveRequest(
                new Object(), path, new LockOptions(Duration.ofSeconds(-1), true, Duration.ofMillis(50),
                        LockOptions.UNSET_FILE_MODE, Ownership.THREAD, null, null),
                Deadline.forever(), true, null, false);
        try {
            // A kernel waiter's hold on the file, which a peer then replaces (as Python
            // filelock 3.28 deletes it on release) ...
            OsHold stale = backend.lockBlocking(request, new AlwaysWanted());
            assertThat(stale).isNotNull();
            Files.move(path, directory.resolve("old.lock"));
            Files.createFile(path);
            // ... so an attempt wins the new file at the path, and the entry gives the
            // stale hold back.
            OsHold won = backend.tryLock(request);
            assertThat(won).isNotNull();
            backend.discard(stale);

            assertThat(flockWithoutWaiting(path)).as("flock -n on the file at the path, held by the attempt's hold")
                .isEqualTo(1);
            backend.unlock(won);
            assertThat(flockWithoutWaiting(path)).as("flock -n after the release").isZero();
        }
        finally {
            backend.close();
        }
    }

    private static int flockWithoutWaiting(Path path) throws Exception {
        Process process = new ProcessBuilder("flock", "--nonblock", "--conflict-exit-code", "1", path.toString(),
                "true")
            .redirectErrorStream(true)
            .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("flock(1) ended").isTrue();
        return process.exitValue();
    }

    private static final class AlwaysWanted implements ExclusiveBackend.KernelWaitGate {

        @Override
        public boolean enter() {
            return true;
        }

        @Override
        public void left() {
        }

    }

}
