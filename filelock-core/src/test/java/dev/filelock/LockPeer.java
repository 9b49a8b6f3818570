package dev.filelock;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Another process taking soft read/write holds on the same files, a child JVM
 * ({@link SoftReadWriteChild}) or a Python peer ({@code soft_rw_peer.py}), driven through
 * the child protocol: {@code read|write <timeout s>}, {@code
 * release}, {@code check <marker>}; answers are the data of the {@code OK} replies.
 */
final class LockPeer implements AutoCloseable {

    /**
     * The heartbeat interval of every peer, and of the test's own locks made by
     * {@link #lockLikePeers}.
     */
    static final Duration HEARTBEAT = Duration.ofMillis(100);

    /** Long enough that a heartbeat delayed by a loaded machine never looks stale. */
    static final Duration STALE = Duration.ofSeconds(3);

    /**
     * The threshold of a lock that evicts a killed peer, kept short so the test does not
     * wait long.
     */
    static final Duration EVICTING_STALE = Duration.ofMillis(500);
    static final Duration POLL = Duration.ofMillis(20);

    private final ChildProcess process;

    private LockPeer(ChildProcess process) {
        this.process = process;
        process.awaitReady();
    }

    /**
     * Builds this process's lock on {@code path} with the peers' heartbeat and poll
     * interval.
     */
    static SoftReadWriteFileLock lockLikePeers(Path path, Duration staleThreshold) {
        return SoftReadWriteFileLock.builder(path)
            .heartbeatInterval(HEARTBEAT)
            .staleThreshold(staleThreshold)
            .pollInterval(POLL)
            .build();
    }

    /** Starts a child JVM running {@link SoftReadWriteChild}. */
    static LockPeer javaChild(Path lock) {
        return new LockPeer(ChildJvm.start("soft rw child", SoftReadWriteChild.class, childArguments(lock)));
    }

    /**
     * Starts the child JVM as {@code nobody} (see {@link ChildJvm#startAsNobody}), its
     * sandbox in {@code sandbox}.
     */
    static LockPeer javaChildAsNobody(Path sandbox, Path lock) {
        return new LockPeer(ChildJvm.startAsNobody("soft rw child as nobody", sandbox, SoftReadWriteChild.class,
                childArguments(lock)));
    }

    /**
     * Starts the Python protocol peer ({@code soft_rw_peer.py}) with Debian's
     * {@code /usr/bin/python3}.
     */
    static LockPeer python(Path lock) {
        List<String> args = new ArrayList<>(List.of(lock.toString()));
        for (Duration duration : List.of(HEARTBEAT, STALE, POLL)) {
            args.add(Double.toString(duration.toMillis() / 1000.0));
        }
        return new LockPeer(PythonFilelock.startStandardLibraryScript("soft_rw_peer.py", args.toArray(String[]::new)));
    }

    private static String[] childArguments(Path lock) {
        return new String[] { lock.toString(), Long.toString(HEARTBEAT.toMillis()), Long.toString(STALE.toMillis()),
                Long.toString(POLL.toMillis()) };
    }

    /** Sends a command and returns its one-line answer. */
    String ask(String command) {
        send(command);
        return answer();
    }

    /** Sends a command without waiting for its answer. */
    void send(String command) {
        process.send(command);
    }

    /** Waits for the answer to the last command. */
    String answer() {
        return process.reply();
    }

    /** Waits for the process to end by itself. */
    void awaitExit() {
        process.awaitExit();
    }

    /** Kills the process as {@code kill -9} would and waits for it to end. */
    void kill() {
        process.kill();
    }

    /** Asks the peer to close its lock and end, and kills it if it does not. */
    @Override
    public void close() {
        try {
            process.send(ChildMain.QUIT);
            process.awaitExit();
        }
        catch (RuntimeException | AssertionError alreadyGoneOrStuck) {
            // killed below
        }
        finally {
            process.close();
        }
    }

}
