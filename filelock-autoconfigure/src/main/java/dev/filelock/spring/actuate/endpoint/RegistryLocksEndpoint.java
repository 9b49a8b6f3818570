package dev.filelock.spring.actuate.endpoint;

import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.LockRegistryBackend.HeldLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.Selector.Match;

/**
 * The {@code filelocks} endpoint when {@code @FileLocked} methods lock through a Spring Integration registry ({@code
 * filelock.backend=jdbc} or a registry bean) rather than files: the locks this JVM holds through it, by key. Other
 * processes' locks live in the store (such as the {@code INT_LOCK} table) and are not shown. Read-only.
 *
 * @since 0.1
 */
@Endpoint(id = "filelocks", defaultAccess = Access.READ_ONLY)
public class RegistryLocksEndpoint {

    private final LockRegistryBackend backend;

    private final Clock clock;

    /**
     * Creates the endpoint over a backend.
     *
     * @param backend the backend whose held locks are listed
     */
    public RegistryLocksEndpoint(LockRegistryBackend backend) {
        this(backend, Clock.systemUTC());
    }

    RegistryLocksEndpoint(LockRegistryBackend backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
    }

    /**
     * Lists the locks this JVM holds through the backend.
     *
     * @return the backend's name, the number of holds and one entry per hold
     */
    @ReadOperation
    public RegistryLocksDescriptor locks() {
        List<LockDescriptor> locks = describe(this.backend.heldLocks());
        return new RegistryLocksDescriptor(this.backend.name(), locks.size(), locks);
    }

    /**
     * Lists this JVM's holds of one key.
     *
     * @param path the key, relative to the lock directory
     * @return the holds, or {@code null} (404) when this JVM holds none
     */
    @ReadOperation
    public @Nullable RegistryLocksDescriptor lock(@Selector(match = Match.ALL_REMAINING) String[] path) {
        String key;
        try {
            key = this.backend.registryKey(String.join("/", path));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidEndpointRequestException(Objects.requireNonNullElse(ex.getMessage(), "Invalid lock path"),
                    "Invalid lock path");
        }
        List<LockDescriptor> locks = describe(
                this.backend.heldLocks().stream().filter((held) -> held.key().equals(key)).toList());
        return locks.isEmpty() ? null : new RegistryLocksDescriptor(this.backend.name(), locks.size(), locks);
    }

    private List<LockDescriptor> describe(List<HeldLock> held) {
        Instant now = this.clock.instant();
        return held.stream()
            .map((lock) -> new LockDescriptor(lock.key(), lock.mode().name().toLowerCase(Locale.ROOT), lock.owner(),
                    lock.since(), Duration.between(lock.since(), now)))
            .toList();
    }

    /**
     * The locks this JVM holds through a registry backend.
     *
     * @param backend the backend's name, such as {@code jdbc}
     * @param held how many holds are listed
     * @param locks one entry per hold, ordered by key
     */
    public record RegistryLocksDescriptor(String backend, int held, List<LockDescriptor> locks)
            implements OperationResponseBody {
    }

    /**
     * One hold.
     *
     * @param path the key, relative to the lock directory
     * @param mode what the method asked for ({@code read} or {@code write}); the store's lock is
     *     exclusive in every case
     * @param owner the thread that holds it
     * @param acquiredAt when it was acquired
     * @param heldFor how long it has been held
     */
    public record LockDescriptor(String path, String mode, String owner, Instant acquiredAt, Duration heldFor) {
    }
}
