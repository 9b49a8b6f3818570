package dev.filelock.spring;

import dev.filelock.LockHold;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The lock of the {@link FileLocked} method running on the calling thread: its key, its
 * fencing token and whether it is still held (ShedLock's {@code LockAssert}, Redisson's
 * fenced lock token).
 *
 * <p>
 * Bound to the thread that runs the method's body, from the acquisition to the return of
 * the method (nested locked methods see their own lock, and the outer one again after
 * they return). For a method returning a {@code CompletionStage} it is bound while the
 * method's body runs on the calling thread, not in the stage's continuations: read
 * {@link #current()} at the start of the body and capture it. It is not bound for methods
 * returning a {@code Mono} or {@code Flux}.
 *
 * @since 0.1
 */
public final class FileLockContext {

    private static final ThreadLocal<@Nullable FileLockContext> CURRENT = new ThreadLocal<>();

    private final String key;

    private final @Nullable FencedLockHold hold;

    private final @Nullable FileLockContext outer;

    private FileLockContext(String key, @Nullable FencedLockHold hold, @Nullable FileLockContext outer) {
        this.key = key;
        this.hold = hold;
        this.outer = outer;
    }

    /**
     * Returns the lock of the {@link FileLocked} method running on the calling thread.
     * @return the innermost locked method's lock
     * @throws IllegalStateException if no {@link FileLocked} method runs on this thread
     */
    public static FileLockContext current() {
        FileLockContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("No @FileLocked method is running on thread '"
                    + Thread.currentThread().getName() + "' (FileLockContext is bound to the thread that runs the "
                    + "method's body, and not inside Mono or Flux methods)");
        }
        return context;
    }

    /**
     * Binds a lock to the calling thread until the returned scope is closed; used by the
     * {@link FileLocked} advice.
     * @param key the key of the {@link FileLocked} method
     * @param hold the hold of its lock
     * @return the scope, which restores the previous binding when closed
     */
    public static Scope bind(String key, LockHold hold) {
        FileLockContext outer = CURRENT.get();
        CURRENT.set(new FileLockContext(Objects.requireNonNull(key, "key"),
                (hold instanceof FencedLockHold fenced) ? fenced : null, outer));
        return () -> {
            if (outer != null) {
                CURRENT.set(outer);
            }
            else {
                CURRENT.remove();
            }
        };
    }

    /**
     * Returns the key of the lock, as the method's {@link FileLocked#path()} gave it.
     * @return the key
     */
    public String key() {
        return this.key;
    }

    /**
     * Returns the fencing token of the lock's acquisition: larger than the token of every
     * earlier acquisition of the same key, by this JVM or any other, so that a storage
     * system that remembers the largest token it has seen can refuse the writes of a
     * holder whose lease has lapsed. Only the {@code jdbc} backend has tokens.
     * @return the token
     * @throws UnsupportedOperationException if the lock backend does not number
     * acquisitions (the file backend: a file lock cannot lapse while its process lives,
     * so it needs none)
     */
    public long fencingToken() {
        OptionalLong token = (this.hold != null) ? this.hold.fencingToken() : OptionalLong.empty();
        if (token.isEmpty()) {
            throw new UnsupportedOperationException("The lock '" + this.key + "' has no fencing token: only the "
                    + "'jdbc' lock backend numbers its acquisitions (file locks do not lapse while their process lives)");
        }
        return token.getAsLong();
    }

    /**
     * Tells whether this JVM still believes it holds the lock: always for file locks, and
     * for leased locks (jdbc) as long as their lease has not been lost.
     * @return whether the lock is still held
     */
    public boolean isHeld() {
        return this.hold == null || this.hold.isHeld();
    }

    /**
     * Checks that this JVM still believes it holds the lock, before a step that must not
     * run without it.
     * @throws FileLockLeaseLostException naming the key, if the lock's lease was lost
     */
    public void assertHeld() {
        if (!isHeld()) {
            throw new FileLockLeaseLostException(this.key);
        }
    }

    /** Ends a binding of {@link #bind}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {

        /** Restores the binding that was current before. */
        @Override
        void close();

    }

    @Override
    public String toString() {
        return "FileLockContext[" + this.key + ((this.outer != null) ? ", nested" : "") + "]";
    }

}
