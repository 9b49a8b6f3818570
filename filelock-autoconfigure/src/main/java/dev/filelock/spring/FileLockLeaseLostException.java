package dev.filelock.spring;

/**
 * Thrown by {@link FileLockContext#assertHeld()} when this JVM no longer believes it
 * holds the lock of the running {@link FileLocked} method: its lease lapsed (renewals
 * failed, its row was taken, or {@code filelock.jdbc.max-hold} passed), so another
 * process may hold the lock now.
 *
 * @since 0.1
 */
public class FileLockLeaseLostException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The registry key of the lock whose lease was lost. */
    private final String key;

    /**
     * Creates the exception.
     * @param key the lock's key, named in the message
     */
    public FileLockLeaseLostException(String key) {
        super("The lock '" + key + "' is no longer held by this JVM: its lease lapsed (see the error logged when it "
                + "was lost), so another process may hold it; stop before writing anything the lock protects");
        this.key = key;
    }

    /**
     * Returns the lock's key.
     * @return the key
     */
    public String key() {
        return this.key;
    }

}
