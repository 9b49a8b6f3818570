package dev.filelock;

import dev.filelock.testing.ChildMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM holding a {@link SoftReadWriteFileLock}, driven through the child protocol
 * ({@link ChildMain}) with the same commands as the Python peer
 * ({@code soft_rw_peer.py}):
 *
 * <ul>
 * <li>{@code read <s>}, {@code write <s>}: answer {@code OK acquired}, {@code OK timeout}
 * or {@code OK error:
 *       <message>};
 * <li>{@code release}: answers {@code OK released};
 * <li>{@code increment <counter file> <n>}: adds one to the counter n times under the
 * write lock, answers {@code OK done};
 * <li>{@code quit}: closes the lock and ends; {@code exit-holding}: calls
 * {@link System#exit} holding the lock (a crash: no reply).
 * </ul>
 *
 * <p>
 * Arguments: lock path, heartbeat, stale threshold and poll interval in milliseconds.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to
                         // use
public final class SoftReadWriteChild {

    private SoftReadWriteChild() {
    }

    public static void main(String[] args) throws Exception {
        SoftReadWriteFileLock lock = SoftReadWriteFileLock.builder(Path.of(args[0]))
            .heartbeatInterval(Duration.ofMillis(Long.parseLong(args[1])))
            .staleThreshold(Duration.ofMillis(Long.parseLong(args[2])))
            .pollInterval(Duration.ofMillis(Long.parseLong(args[3])))
            .build();
        AtomicReference<Optional<LockHold>> held = new AtomicReference<>(Optional.empty());
        ChildMain.create()
            .on("read", words -> acquire(lock, held, true, words.get(0)))
            .on("write", words -> acquire(lock, held, false, words.get(0)))
            .on("release", words -> {
                held.get().ifPresent(LockHold::close);
                held.set(Optional.empty());
                return "released";
            })
            .on("increment", words -> {
                incrementUnderWriteLock(lock, Path.of(words.get(0)), Integer.parseInt(words.get(1)));
                return "done";
            })
            .on("exit-holding", words -> {
                System.exit(0);
                return null;
            })
            .run();
        lock.close();
    }

    private static String acquire(SoftReadWriteFileLock lock, AtomicReference<Optional<LockHold>> held, boolean read,
            String seconds) {
        Duration timeout = Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
        try {
            held.set(Optional.of(read ? lock.acquireRead(timeout) : lock.acquireWrite(timeout)));
            return "acquired";
        }
        catch (FileLockTimeoutException busy) {
            return "timeout";
        }
        catch (FileLockException unusable) {
            return "error: " + unusable.getMessage();
        }
    }

    /**
     * Adds one to the number in the counter file, {@code times} times, each under the
     * write lock.
     */
    private static void incrementUnderWriteLock(SoftReadWriteFileLock lock, Path counter, int times)
            throws IOException {
        for (int i = 0; i < times; i++) {
            try (LockHold hold = lock.acquireWrite()) {
                int value = Integer.parseInt(Files.readString(counter).strip());
                Files.writeString(counter, Integer.toString(value + 1));
            }
        }
    }

}
