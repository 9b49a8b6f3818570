package dev.filelock.spring;

import dev.filelock.LockMode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry a {@link LockBackend} holds or waits for in this JVM (one path or key), as
 * the {@code filelocks} endpoint lists it and the {@code filelock.active} gauge counts
 * it.
 *
 * @param key the path relative to the lock directory, with {@code /} separators (absolute
 * for a file lock outside it)
 * @param type the lock's protocol: {@code native}, {@code sqlite}, {@code soft} or
 * {@code soft-read-write}; for a registry backend, which has none, its
 * {@linkplain LockBackend#backendName() name}
 * @param mode the mode held: {@link LockMode#WRITE} for an exclusive lock; {@code null}
 * while only waited for
 * @param owners who holds it in this JVM (empty while only waited for)
 * @param waitingThreads the names of the threads of this JVM waiting for it
 * @since 0.1
 */
public record LockEntry(String key, String type, @Nullable LockMode mode, List<Owner> owners,
        List<String> waitingThreads) {

    /**
     * Copies the lists.
     * @param key the key
     * @param type the protocol
     * @param mode the held mode, or {@code null}
     * @param owners the owners
     * @param waitingThreads the waiting threads' names
     */
    public LockEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        owners = List.copyOf(owners);
        waitingThreads = List.copyOf(waitingThreads);
    }

    /**
     * Tells whether some owner of this JVM holds the entry.
     * @return whether {@link #owners()} is not empty
     */
    public boolean isHeld() {
        return !this.owners.isEmpty();
    }

    /**
     * One owner of an entry: a thread, or a detached hold that no single thread owns.
     *
     * @param name the thread's name, or a description such as {@code (asynchronous hold)}
     * @param holdCount how many levels it holds
     * @param since when it took its first level, or {@code null} if unknown
     */
    public record Owner(String name, int holdCount, @Nullable Instant since) {
    }
}
