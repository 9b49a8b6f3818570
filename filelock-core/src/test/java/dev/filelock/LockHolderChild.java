package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A child JVM for diagnostics tests: {@code hold <native|soft|write|read|soft-write> <path>} takes the lock (write
 * and read: {@link ReadWriteFileLock}; soft-write: {@link SoftReadWriteFileLock}), prints {@code held} and
 * keeps it until its standard input closes or it is killed; {@code try <path>} makes one attempt at the native lock
 * and prints {@code acquired} or {@code busy}.
 */
final class LockHolderChild {

    private LockHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[args.length - 1]);
        if (args[0].equals("try")) {
            Optional<LockHold> hold = FileLock.of(path).tryAcquire();
            System.out.println(hold.isPresent() ? "acquired" : "busy");
            hold.ifPresent(LockHold::close);
            return;
        }
        LockHold hold = switch (args[1]) {
            case "write" -> ReadWriteFileLock.of(path).acquireWrite(Duration.ofSeconds(30));
            case "read" -> ReadWriteFileLock.of(path).acquireRead(Duration.ofSeconds(30));
            case "soft" -> SoftFileLock.of(path).acquire(Duration.ofSeconds(30));
            case "soft-write" -> SoftReadWriteFileLock.of(path).acquireWrite(Duration.ofSeconds(30));
            default -> FileLock.of(path).acquire(Duration.ofSeconds(30));
        };
        System.out.println("held");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until the parent closes our input (or dies)
        }
        hold.close();
    }

    /** Starts a child that holds the lock, and returns once it does; closing the child kills it. */
    static ChildProcess holding(String type, Path path) {
        ChildProcess child = ChildJvm.start("lock holder", LockHolderChild.class, "hold", type, path.toString());
        try {
            assertThat(child.nextLine()).as(child::describe).isEqualTo("held");
            return child;
        } catch (AssertionError e) {
            child.close();
            throw e;
        }
    }

    /** Runs a child that makes one attempt at the native lock, and returns its answer. */
    static String tryLockInChild(Path path) {
        try (ChildProcess child = ChildJvm.start("lock attempt", LockHolderChild.class, "try", path.toString())) {
            String answer = child.nextLine();
            assertThat(child.awaitExit()).as(child::describe).isZero();
            return answer;
        }
    }
}
