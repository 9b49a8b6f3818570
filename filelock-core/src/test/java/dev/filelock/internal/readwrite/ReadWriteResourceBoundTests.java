package dev.filelock.internal.readwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.DistinctKeysChild;
import dev.filelock.LockHold;
import dev.filelock.LockMode;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.internal.posix.KernelLocks;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import dev.filelock.internal.readwrite.ReadWriteTable;
import dev.filelock.internal.sqlite.SqliteReadWriteBackend;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.Worker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle read/write resources are bounded whatever the caller does with its lock objects: a
 * few SQLite connections stay parked for hot paths, the rest are closed, and closing a
 * parked connection never races with its reuse.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class ReadWriteResourceBoundTests {

    private static final int KEYS = 3_000;

    @TempDir
    Path directory;

    @Test
    void unclosedLockObjectsOnDistinctPathsPinNoConnectionEach() {
        int connections = SqliteReadWriteBackend.OPEN_CONNECTIONS.get();
        List<ReadWriteFileLock> unclosed = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * ReadWriteTable.MAX_PARKED; i++) {
                ReadWriteFileLock lock = ReadWriteFileLock.of(directory.resolve("unclosed-" + i + ".db"));
                unclosed.add(lock);
                lock.acquireWrite().close();
            }

            assertThat(SqliteReadWriteBackend.OPEN_CONNECTIONS.get() - connections)
                .isLessThanOrEqualTo(ReadWriteTable.MAX_PARKED);
            // A lock object whose connection was closed opens a new one when used again.
            try (LockHold read = unclosed.get(0).acquireRead()) {
                assertThat(unclosed.get(0).heldMode()).contains(LockMode.READ);
            }
        }
        finally {
            unclosed.forEach(ReadWriteFileLock::close);
        }
    }

    @Test
    void sweepingParkedConnectionsNeverClosesOneThatHoldsOrTakesALock() throws Exception {
        int paths = 2 * ReadWriteTable.MAX_PARKED + 8;
        List<ReadWriteFileLock> locks = new ArrayList<>();
        for (int i = 0; i < paths; i++) {
            locks.add(ReadWriteFileLock.of(directory.resolve("swept-" + i + ".db")));
        }
        try {
            List<Worker<Integer>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(Worker.start("worker-" + w, () -> {
                    int checked = 0;
                    for (int round = 0; round < 150; round++) {
                        ReadWriteFileLock lock = locks.get(ThreadLocalRandom.current().nextInt(paths));
                        boolean write = ThreadLocalRandom.current().nextBoolean();
                        try (LockHold hold = write ? lock.acquireWrite() : lock.acquireRead()) {
                            // The kernel, not our bookkeeping, says whether SQLite's
                            // POSIX lock is really there.
                            Posix.FileIdentity file = identityOf(lock.path());
                            if (!KernelLocks.posixLockedByThisProcess(file)) {
                                throw new AssertionError(
                                        "no POSIX lock of this process on " + lock.path() + " while held");
                            }
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Worker<Integer> worker : workers) {
                assertThat(worker.awaitResult()).isEqualTo(150);
            }
            assertThat(ReadWriteTable.INSTANCE.parkedCount()).isLessThanOrEqualTo(ReadWriteTable.MAX_PARKED);
        }
        finally {
            locks.forEach(ReadWriteFileLock::close);
        }
    }

    @Test
    void thousandsOfDistinctKeysLeaveBoundedDescriptorsAndMemory() {
        // A fixed, pre-touched heap: what grows is native memory (SQLite connections) and
        // descriptors.
        try (ChildProcess child = ChildJvm.start("distinct keys", List.of("-Xms48m", "-Xmx48m", "-XX:+AlwaysPreTouch"),
                0, DistinctKeysChild.class, directory.toString(), String.valueOf(KEYS))) {
            long[] baseline = values(child.awaitLine("baseline"));
            long[] after = values(child.awaitLine("after"));
            assertThat(child.awaitExit()).as(child::describe).isZero();

            assertThat(after[0]).as("descriptors (baseline %d)", baseline[0]).isLessThanOrEqualTo(baseline[0] + 200);
            assertThat(after[1]).as("resident kB (baseline %d)", baseline[1])
                .isLessThanOrEqualTo(baseline[1] + 64 * 1024);
        }
    }

    private static long[] values(String line) {
        String[] fields = line.trim().split(" ");
        return new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]) };
    }

    private static Posix.FileIdentity identityOf(Path path) {
        return Posix.identity(Posix.cString(path.toAbsolutePath()), new byte[StatCalls.BUFFER_SIZE]);
    }

}
