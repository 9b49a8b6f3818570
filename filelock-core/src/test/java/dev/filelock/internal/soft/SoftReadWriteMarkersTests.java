package dev.filelock.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.filelock.FileLockException;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.internal.Deadline;
import dev.filelock.internal.ReadWriteBackendWait;
import dev.filelock.internal.posix.ThisProcess;
import dev.filelock.internal.soft.SoftReadWriteMarkers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The on-disk protocol of {@link SoftReadWriteFileLock}, driven below the in-JVM
 * coordinator: two {@link SoftReadWriteMarkers} on one path contend through the files
 * exactly as two processes do.
 */
public class SoftReadWriteMarkersTests {

    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    /**
     * Long enough that a heartbeat delayed by a loaded machine never looks stale; stale
     * markers here are aged by hand.
     */
    private static final Duration STALE = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(20);

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    private static final String OTHER_HOST = "other-host.example.com";

    @TempDir
    Path directory;

    private Path lock;

    private Path writeMarker;

    private Path readers;

    private Path state;

    private final List<SoftReadWriteMarkers.Held> holds = new java.util.ArrayList<>();

    @BeforeEach
    void paths() {
        lock = directory.resolve("data.lock");
        writeMarker = directory.resolve("data.lock.write");
        readers = directory.resolve("data.lock.readers");
        state = directory.resolve("data.lock.state");
    }

    @AfterEach
    void releaseEverything() {
        holds.forEach(SoftReadWriteMarkers.Held::release);
    }

    @Test
    void readerMarkerIsNamedAndFilledAsPythonWritesIt() throws IOException {
        SoftReadWriteMarkers.Held reader = read(peer(), singleAttempt());

        assertThat(readers.toFile().list()).containsExactly(reader.marker().getFileName().toString());
        assertThat(reader.marker().getFileName().toString()).matches("[0-9a-f]{32}\\." + ProcessHandle.current().pid());
        assertThat(Files.readString(reader.marker()))
            .matches("[0-9a-f]{32}\n" + ProcessHandle.current().pid() + "\n" + ThisProcess.HOSTNAME + "\n");
        assertThat(lock).doesNotExist();
        assertThat(state).doesNotExist();
    }

    @Test
    void markersAreOwnerOnly() throws IOException {
        SoftReadWriteMarkers.Held reader = read(peer(), singleAttempt());
        assertThat(permissions(reader.marker())).isEqualTo("rw-------");
        assertThat(permissions(readers)).isEqualTo("rwx------");
        release(reader);

        write(peer(), singleAttempt());
        assertThat(permissions(writeMarker)).isEqualTo("rw-------");
        assertThat(Files.readString(writeMarker))
            .matches("[0-9a-f]{32}\n" + ProcessHandle.current().pid() + "\n" + ThisProcess.HOSTNAME + "\n");
    }

    @Test
    void releaseDeletesTheMarkerAndStopsItsHeartbeat() {
        SoftReadWriteMarkers.Held writer = write(peer(), singleAttempt());
        assertThat(heartbeatThreads()).containsExactly("filelock-heartbeat-" + writeMarker);

        release(writer);

        assertThat(writeMarker).doesNotExist();
        assertThat(heartbeatThreads()).isEmpty();
    }

    @Test
    void readersShareTheLock() {
        read(peer(), singleAttempt());
        read(peer(), singleAttempt());

        assertThat(readers.toFile().list()).hasSize(2);
    }

    @Test
    void writerExcludesReadersAndWriters() {
        SoftReadWriteMarkers.Held writer = write(peer(), singleAttempt());

        assertThat(peer().acquireRead(singleAttempt())).isNull();
        assertThat(peer().acquireWrite(singleAttempt())).isNull();
        release(writer);
        assertThat(read(peer(), singleAttempt())).isNotNull();
    }

    @Test
    void writerThatCannotDrainTheReadersGivesBackItsClaim() {
        read(peer(), singleAttempt());

        assertThat(peer().acquireWrite(waitUpTo(Duration.ofMillis(300)))).isNull();
        assertThat(writeMarker).doesNotExist();
        assertThat(heartbeatThreads()).hasSize(1);
    }

    @Test
    void waitingWriterHoldsBackNewReadersUntilItHasWritten() {
        SoftReadWriteMarkers.Held firstReader = read(peer(), singleAttempt());
        CompletableFuture<SoftReadWriteMarkers.Held> writer = CompletableFuture
            .supplyAsync(() -> peer().acquireWrite(waitUpTo(Duration.ofSeconds(10))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> Files.exists(writeMarker));

        assertThat(peer().acquireRead(singleAttempt())).isNull();
        release(firstReader);
        SoftReadWriteMarkers.Held written = writer.join();
        assertThat(written).isNotNull();
        holds.add(written);
        assertThat(peer().acquireRead(singleAttempt())).isNull();
    }

    @Test
    void heartbeatKeepsAHoldAlivePastTheStaleThreshold() throws IOException {
        Duration stale = Duration.ofMillis(1500);
        SoftReadWriteMarkers.Held writer = write(peerWithStaleThreshold(stale), singleAttempt());
        Instant created = Files.getLastModifiedTime(writer.marker()).toInstant();

        await().atMost(10, TimeUnit.SECONDS)
            .until(() -> Files.getLastModifiedTime(writer.marker()).toInstant().isAfter(created.plus(stale)));

        assertThat(peerWithStaleThreshold(stale).acquireWrite(waitUpTo(Duration.ofMillis(100)))).isNull();
        assertThat(peerWithStaleThreshold(stale).acquireRead(singleAttempt())).isNull();
    }

    @Test
    void staleWriterMarkerIsEvictedByAReader() throws IOException {
        writeForeignMarker(writeMarker, TOKEN + "\n4242\n" + OTHER_HOST + "\n", Duration.ofSeconds(1000));

        assertThat(read(peer(), singleAttempt())).isNotNull();
        assertThat(writeMarker).doesNotExist();
        assertThat(directory.toFile().list()).noneMatch(name -> name.contains(".break"));
    }

    @Test
    void staleReaderMarkerIsEvictedByAWriter() throws IOException {
        Files.createDirectory(readers);
        Path reader = readers.resolve(TOKEN + ".4242");
        writeForeignMarker(reader, TOKEN + "\n4242\n" + OTHER_HOST + "\n", Duration.ofSeconds(1000));

        assertThat(write(peer(), singleAttempt())).isNotNull();
        assertThat(readers.toFile().list()).isEmpty();
    }

    @Test
    void freshForeignMarkersAreRespected() throws IOException {
        writeForeignMarker(writeMarker, TOKEN + "\n4242\n" + OTHER_HOST + "\n", Duration.ZERO);

        assertThat(peer().acquireRead(waitUpTo(Duration.ofMillis(100)))).isNull();
        assertThat(writeMarker).exists();
    }

    static Stream<Arguments> malformedMarkers() {
        return Stream.of(Arguments.of("non-numeric pid", TOKEN + "\nabc\nhost\n"),
                Arguments.of("pid zero", TOKEN + "\n0\nhost\n"),
                Arguments.of("pid beyond 2^31-1", TOKEN + "\n9999999999\nhost\n"),
                Arguments.of("short token", "0123456789abcdef\n4242\nhost\n"),
                Arguments.of("non-hex token", "0123456789abcdef0123456789abcdeg\n4242\nhost\n"),
                Arguments.of("host name with a space", TOKEN + "\n4242\nmy host\n"),
                Arguments.of("trailing blank lines", TOKEN + "\n4242\nhost\n\n\n"),
                Arguments.of("one line", TOKEN + "\n"), Arguments.of("four lines", TOKEN + "\n4242\nhost\nextra\n"),
                Arguments.of("2048 bytes", TOKEN + "\n4242\n" + "h".repeat(2048 - 38) + "\n"),
                Arguments.of("non-ASCII", TOKEN + "\n4242\nhöst\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedMarkers")
    void staleMalformedWriterMarkerIsEvicted(String description, String content) throws IOException {
        writeForeignMarker(writeMarker, content, Duration.ofSeconds(1000));

        assertThat(write(peer(), waitUpTo(Duration.ofSeconds(2)))).isNotNull();
    }

    @Test
    void symlinkedWriteMarkerIsRefusedAndItsTargetLeftAlone() throws IOException {
        Path victim = Files.writeString(directory.resolve("victim"), "precious");
        Files.createSymbolicLink(writeMarker, victim);

        assertThatThrownBy(() -> peer().acquireWrite(waitUpTo(Duration.ofMillis(500))))
            .isInstanceOf(FileLockException.class)
            .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> peer().acquireRead(singleAttempt())).isInstanceOf(FileLockException.class);
        assertThat(victim).hasContent("precious");
    }

    @Test
    void symlinkedReadersDirectoryIsRefused() throws IOException {
        Path target = Files.createDirectory(directory.resolve("elsewhere"));
        Files.createSymbolicLink(readers, target);

        assertThatThrownBy(() -> peer().acquireRead(singleAttempt())).isInstanceOf(FileLockException.class)
            .hasMessageContaining(lock.toString())
            .hasMessageContaining("not a directory or is a symlink");
        assertThat(target.toFile().list()).isEmpty();
    }

    @Test
    void readersPathThatIsAFileIsRefused() throws IOException {
        Files.writeString(readers, "");

        assertThatThrownBy(() -> peer().acquireWrite(singleAttempt())).isInstanceOf(FileLockException.class)
            .hasMessageContaining("not a directory or is a symlink");
    }

    @Test
    void writerIgnoresHousekeepingFilesInTheReadersDirectory() throws IOException {
        Files.createDirectory(readers);
        Files.writeString(readers.resolve(".hidden"), "x");
        Files.writeString(readers.resolve("stale.break.12345.abcdef"), "x");

        assertThat(write(peer(), singleAttempt())).isNotNull();
    }

    @Test
    void stateFileOfADeadLocalProcessIsRemovedAtOnce() throws Exception {
        Process finished = new ProcessBuilder(javaExecutable(), "-version").redirectErrorStream(true).start();
        finished.getInputStream().readAllBytes();
        finished.waitFor();
        Files.writeString(state, finished.pid() + "\n" + ThisProcess.HOSTNAME + "\n");

        assertThat(write(peer(), singleAttempt())).isNotNull();
        assertThat(state).doesNotExist();
    }

    @Test
    void abandonedStateFileOfAnotherHostIsRemovedOnceStale() throws IOException {
        Files.writeString(state, "4242\n" + OTHER_HOST + "\n");

        assertThat(peer().acquireRead(singleAttempt())).isNull();
        Files.setLastModifiedTime(state, FileTime.from(Instant.now().minus(Duration.ofSeconds(1000))));
        assertThat(read(peer(), singleAttempt())).isNotNull();
        assertThat(state).doesNotExist();
    }

    @Test
    void busyStateFileDoesNotOutlastTheCallersTimeout() throws IOException {
        Files.writeString(state, ProcessHandle.current().pid() + "\n" + ThisProcess.HOSTNAME + "\n");

        assertThat(peer().acquireWrite(waitUpTo(Duration.ofMillis(200)))).isNull();
        assertThat(writeMarker).doesNotExist();
        assertThat(state).exists();
    }

    @Test
    void heartbeatLeavesAMarkerThatNowBelongsToAnotherHolder() throws IOException {
        SoftReadWriteMarkers.Held writer = write(peer(), singleAttempt());
        Files.writeString(writer.marker(), TOKEN + "\n4242\n" + OTHER_HOST + "\n");
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofSeconds(10)));
        Files.setLastModifiedTime(writer.marker(), old);

        await().atMost(5, TimeUnit.SECONDS).until(() -> heartbeatThreads().isEmpty());
        assertThat(Files.getLastModifiedTime(writer.marker())).isEqualTo(old);
        release(writer);
        assertThat(writeMarker).exists();
    }

    @Test
    void heartbeatOutlivesAMomentarilyMissingMarker() throws IOException {
        SoftReadWriteMarkers.Held writer = write(peer(), singleAttempt());
        Path aside = directory.resolve("aside");
        Files.move(writer.marker(), aside);
        await().during(Duration.ofMillis(350)).atMost(Duration.ofSeconds(5)).until(() -> !heartbeatThreads().isEmpty());
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofSeconds(10)));
        Files.setLastModifiedTime(aside, old);
        Files.move(aside, writer.marker());

        await().atMost(5, TimeUnit.SECONDS).until(() -> Files.getLastModifiedTime(writer.marker()).compareTo(old) > 0);
    }

    private SoftReadWriteMarkers peer() {
        return peerWithStaleThreshold(STALE);
    }

    private SoftReadWriteMarkers peerWithStaleThreshold(Duration staleThreshold) {
        return new SoftReadWriteMarkers(lock, lock, HEARTBEAT, staleThreshold, POLL);
    }

    private SoftReadWriteMarkers.Held read(SoftReadWriteMarkers markers, ReadWriteBackendWait wait) {
        SoftReadWriteMarkers.Held held = markers.acquireRead(wait);
        assertThat(held).as("read hold").isNotNull();
        holds.add(held);
        return held;
    }

    private SoftReadWriteMarkers.Held write(SoftReadWriteMarkers markers, ReadWriteBackendWait wait) {
        SoftReadWriteMarkers.Held held = markers.acquireWrite(wait);
        assertThat(held).as("write hold").isNotNull();
        holds.add(held);
        return held;
    }

    private void release(SoftReadWriteMarkers.Held held) {
        holds.remove(held);
        held.release();
    }

    private static ReadWriteBackendWait singleAttempt() {
        return waitUpTo(Duration.ZERO);
    }

    private static ReadWriteBackendWait waitUpTo(Duration timeout) {
        return new ReadWriteBackendWait(Deadline.after(timeout), POLL, () -> false);
    }

    private static void writeForeignMarker(Path marker, String content, Duration age) throws IOException {
        Files.write(marker, content.getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().minus(age)));
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    public static List<String> heartbeatThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("filelock-heartbeat-"))
            .toList();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
