package dev.filelock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A child JVM holding a {@link SoftReadWriteFileLock}, driven through stdin with the same commands as the Python peer
 * ({@code soft_rw_peer.py}):
 *
 * <ul>
 *   <li>{@code read <s>}, {@code write <s>}: answer {@code acquired}, {@code timeout} or {@code error: <message>};
 *   <li>{@code release}: answers {@code released};
 *   <li>{@code increment <counter file> <n>}: adds one to the counter n times under the write lock, answers
 *       {@code done};
 *   <li>{@code exit}: closes the lock and ends; {@code exit-holding}: calls {@link System#exit} holding the lock.
 * </ul>
 *
 * <p>Arguments: lock path, heartbeat, stale threshold and poll interval in milliseconds.
 */
@SuppressWarnings("try") // a lock hold in try-with-resources is a scope, not a value to use
public final class SoftReadWriteChild {

    private SoftReadWriteChild() {}

    public static void main(String[] args) throws Exception {
        SoftReadWriteFileLock lock = SoftReadWriteFileLock.builder(Path.of(args[0]))
                .heartbeatInterval(Duration.ofMillis(Long.parseLong(args[1])))
                .staleThreshold(Duration.ofMillis(Long.parseLong(args[2])))
                .pollInterval(Duration.ofMillis(Long.parseLong(args[3])))
                .build();
        Optional<LockHold> held = Optional.empty();
        System.out.println("ready");
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] command = line.trim().split("\\s+");
            switch (command[0]) {
                case "read", "write" -> {
                    Duration timeout = Duration.ofMillis(Math.round(Double.parseDouble(command[1]) * 1000));
                    try {
                        boolean read = command[0].equals("read");
                        held = Optional.of(read ? lock.acquireRead(timeout) : lock.acquireWrite(timeout));
                        System.out.println("acquired");
                    } catch (FileLockTimeoutException busy) {
                        System.out.println("timeout");
                    } catch (FileLockException unusable) {
                        System.out.println("error: " + unusable.getMessage());
                    }
                }
                case "release" -> {
                    held.ifPresent(LockHold::close);
                    held = Optional.empty();
                    System.out.println("released");
                }
                case "increment" -> {
                    incrementUnderWriteLock(lock, Path.of(command[1]), Integer.parseInt(command[2]));
                    System.out.println("done");
                }
                case "exit-holding" -> System.exit(0);
                case "exit" -> {
                    lock.close();
                    return;
                }
                default -> System.out.println("unknown command " + line);
            }
        }
        lock.close();
    }

    /** Adds one to the number in the counter file, {@code times} times, each under the write lock. */
    private static void incrementUnderWriteLock(SoftReadWriteFileLock lock, Path counter, int times) throws IOException {
        for (int i = 0; i < times; i++) {
            try (LockHold hold = lock.acquireWrite()) {
                int value = Integer.parseInt(Files.readString(counter).strip());
                Files.writeString(counter, Integer.toString(value + 1));
            }
        }
    }
}
