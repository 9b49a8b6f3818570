package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A child JVM for diagnostics tests, speaking the child protocol ({@link ChildMain}):
 * {@code hold
 * <native|soft|write|read|soft-write> <path>} takes the lock (write and read:
 * {@link ReadWriteFileLock}; soft-write: {@link SoftReadWriteFileLock}), then says
 * {@code READY} and keeps it until {@code quit}, the end of its standard input or its
 * death; {@code try <path>} answers the command {@code try} with one attempt at the
 * native lock: {@code acquired} or {@code busy}.
 */
final class LockHolderChild {

    private LockHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[args.length - 1]);
        if (args[0].equals("try")) {
            ChildMain.create().on("try", words -> {
                Optional<LockHold> hold = FileLock.of(path).tryAcquire();
                hold.ifPresent(LockHold::close);
                return hold.isPresent() ? "acquired" : "busy";
            }).run();
            return;
        }
        LockHold hold = switch (args[1]) {
            case "write" -> ReadWriteFileLock.of(path).acquireWrite(Duration.ofSeconds(30));
            case "read" -> ReadWriteFileLock.of(path).acquireRead(Duration.ofSeconds(30));
            case "soft" -> SoftFileLock.of(path).acquire(Duration.ofSeconds(30));
            case "soft-write" -> SoftReadWriteFileLock.of(path).acquireWrite(Duration.ofSeconds(30));
            default -> FileLock.of(path).acquire(Duration.ofSeconds(30));
        };
        ChildMain.create().run();
        hold.close();
    }

    /**
     * Starts a child that holds the lock, and returns once it does; closing the child
     * kills it.
     */
    static ChildProcess holding(String type, Path path) {
        ChildProcess child = ChildJvm.start("lock holder", LockHolderChild.class, "hold", type, path.toString());
        try {
            return child.awaitReady();
        }
        catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** Runs a child that makes one attempt at the native lock, and returns its answer. */
    static String tryLockInChild(Path path) {
        try (ChildProcess child = ChildJvm.start("lock attempt", LockHolderChild.class, "try", path.toString())) {
            String answer = child.awaitReady().call("try");
            child.call(ChildMain.QUIT);
            assertThat(child.awaitExit()).as(child::describe).isZero();
            return answer;
        }
    }

}
