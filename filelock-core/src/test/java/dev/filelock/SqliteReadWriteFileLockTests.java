package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.internal.LockOptions;
import dev.filelock.internal.LockProtocol;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.ReadWriteBackendWait;
import dev.filelock.internal.readwrite.CoordinatedReadWriteLock;
import dev.filelock.internal.readwrite.ReadWriteTable;
import dev.filelock.internal.sqlite.SqliteReadWriteBackend;
import dev.filelock.testing.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to the SQLite-backed read/write lock: the file, bad input,
 * connections.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
class SqliteReadWriteFileLockTests {

    @TempDir
    Path directory;

    @Test
    void lockFileStaysEmptyAndAlone() throws Exception {
        Path path = directory.resolve("empty.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            try (LockHold read = lock.acquireRead(); LockHold nested = lock.acquireRead()) {
                assertThat(Files.size(path)).isZero();
            }
            try (LockHold write = lock.acquireWrite()) {
                assertThat(filesIn(directory)).containsExactly("empty.db");
            }
        }
        assertThat(Files.size(path)).isZero();
        assertThat(filesIn(directory)).containsExactly("empty.db");
    }

    @Test
    void journalModeOfTheFileIsNeverSwitchedToWal() throws Exception {
        Path path = directory.resolve("journal.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path); LockHold write = lock.acquireWrite()) {
            assertThat(filesIn(directory)).containsExactly("journal.db");
        }
        // Only now, with every lock closed, may another connection of this JVM open the
        // file.
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
                Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            assertThat(mode.next()).isTrue();
            assertThat(mode.getString(1)).isEqualToIgnoringCase("delete");
        }
    }

    @Test
    void fileThatIsNotADatabaseFailsAtOnceAndLeavesNoConnection() throws Exception {
        Path path = directory.resolve("text.db");
        String content = "not a database, just text that is long enough to hold an SQLite header and then some more\n";
        Files.writeString(path, content.repeat(3));
        int connections = SqliteReadWriteBackend.OPEN_CONNECTIONS.get();
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireWrite).isExactlyInstanceOf(FileLockException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("not an SQLite database");
            assertThatThrownBy(lock::tryAcquireRead).isExactlyInstanceOf(FileLockException.class);
            assertThat(SqliteReadWriteBackend.OPEN_CONNECTIONS).hasValue(connections);
            assertThat(lock.heldMode()).isEmpty();
        }
        assertThat(Files.readString(path, StandardCharsets.UTF_8)).isEqualTo(content.repeat(3));
    }

    @Test
    void directoryFailsAtOnce() throws Exception {
        Path path = Files.createDirectory(directory.resolve("dir.db"));
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            assertThatThrownBy(lock::acquireRead).isExactlyInstanceOf(FileLockException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("directory");
        }
    }

    @Test
    void symbolicLinkAtTheLockFileIsRefused() throws Exception {
        Path target = Files.createFile(directory.resolve("target.db"));
        Path link = Files.createSymbolicLink(directory.resolve("link.db"), target);
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(link)) {
            assertThatThrownBy(lock::acquireWrite).isExactlyInstanceOf(FileLockException.class)
                .hasMessageContaining("symbolic link");
        }
    }

    @Test
    void emptyPathIsRejectedByTheBuilder() {
        assertThatThrownBy(() -> ReadWriteFileLock.of(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReadWriteFileLock.builder(directory).pollInterval(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingParentDirectoriesAreCreatedAtTheFirstAcquisition() {
        Path path = directory.resolve("a/b/c/lock.db");
        try (ReadWriteFileLock lock = ReadWriteFileLock.of(path)) {
            assertThat(directory.resolve("a")).doesNotExist();
            try (LockHold write = lock.acquireWrite()) {
                assertThat(path).exists().isEmptyFile();
            }
        }
    }

    @Test
    void spellingsOfOnePathShareOneEntry() throws Exception {
        Path real = Files.createDirectory(directory.resolve("real"));
        Path linkedDirectory = Files.createSymbolicLink(directory.resolve("linked"), real);
        try (ReadWriteFileLock direct = ReadWriteFileLock.of(real.resolve("lock.db"));
                ReadWriteFileLock viaLink = ReadWriteFileLock.of(linkedDirectory.resolve("lock.db"));
                LockHold write = direct.acquireWrite()) {
            assertThat(Worker.start("reader", viaLink::tryAcquireRead).awaitResult()).isEmpty();
        }
    }

    @Test
    void readersOfTheJvmShareOneOsLevelHold() throws Exception {
        AtomicInteger osAcquisitions = new AtomicInteger();
        ReadWriteBackend.Factory counting = (canonicalPath,
                path) -> new CountingBackend(new SqliteReadWriteBackend(canonicalPath, path), osAcquisitions);
        LockOptions options = new LockOptions(Duration.ofSeconds(-1), true, Duration.ofMillis(50),
                LockOptions.UNSET_FILE_MODE, Ownership.THREAD, null, null);
        Path path = directory.resolve("counted.db");
        List<ReadWriteFileLock> locks = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                locks.add(new CoordinatedReadWriteLock(path, options, LockProtocol.SQLITE, counting));
            }
            LockHold first = locks.get(0).acquireRead();
            LockHold second = Worker.start("reader", () -> locks.get(1).acquireRead()).awaitResult();
            LockHold third = locks.get(2).acquireRead();
            LockHold nested = locks.get(2).acquireRead();
            assertThat(osAcquisitions).hasValue(1);
            List.of(first, second, third, nested).forEach(LockHold::close);
            locks.get(0).acquireWrite().close();
            assertThat(osAcquisitions).hasValue(2);
        }
        finally {
            locks.forEach(ReadWriteFileLock::close);
        }
    }

    @Test
    void closedLockObjectsLeaveNoConnectionAndNoEntry() {
        int connections = SqliteReadWriteBackend.OPEN_CONNECTIONS.get();
        int entries = ReadWriteTable.INSTANCE.size();
        for (int i = 0; i < 20; i++) {
            try (ReadWriteFileLock lock = ReadWriteFileLock.of(directory.resolve("lock-" + i + ".db"));
                    ReadWriteFileLock same = ReadWriteFileLock.of(directory.resolve("lock-" + i + ".db"))) {
                lock.acquireRead().close();
                same.acquireWrite().close();
                lock.acquireRead();
            }
        }
        assertThat(SqliteReadWriteBackend.OPEN_CONNECTIONS).hasValue(connections);
        assertThat(ReadWriteTable.INSTANCE.size()).isEqualTo(entries);
    }

    @Test
    void abandonedLockObjectsAreDetachedOnceCollected() {
        int entries = ReadWriteTable.INSTANCE.size();
        for (int i = 0; i < 10; i++) {
            ReadWriteFileLock.of(directory.resolve("abandoned-" + i + ".db")).acquireWrite().close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return ReadWriteTable.INSTANCE.size() == entries;
        });
    }

    @Test
    void heldLockIsNeverLostWhenItsObjectIsOnlyReachableThroughTheHold() throws Exception {
        Path path = directory.resolve("kept.db");
        LockHold hold = ReadWriteFileLock.of(path).acquireWrite();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        try (ReadWriteFileLock other = ReadWriteFileLock.of(path)) {
            assertThat(Worker.start("reader", other::tryAcquireRead).awaitResult()).isEmpty();
            hold.close();
            assertThat(Worker.start("reader", () -> {
                other.tryAcquireRead().ifPresent(LockHold::close);
                return other.holdCount();
            }).awaitResult()).isZero();
            try (LockHold read = other.acquireRead(Duration.ofSeconds(10))) {
                assertThat(other.heldMode()).contains(LockMode.READ);
            }
        }
    }

    private static List<String> filesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Counts the OS-level acquisitions of a real backend. */
    private record CountingBackend(ReadWriteBackend delegate, AtomicInteger acquisitions) implements ReadWriteBackend {
        @Override
        public boolean acquire(LockMode mode, ReadWriteBackendWait wait) {
            boolean acquired = delegate.acquire(mode, wait);
            if (acquired) {
                acquisitions.incrementAndGet();
            }
            return acquired;
        }

        @Override
        public void release() {
            delegate.release();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

}
