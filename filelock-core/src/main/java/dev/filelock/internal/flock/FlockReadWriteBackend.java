package dev.filelock.internal.flock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import dev.filelock.FileLockException;
import dev.filelock.LockMode;
import dev.filelock.internal.LockFailures;
import dev.filelock.internal.ReadWriteBackend;
import dev.filelock.internal.ReadWriteBackendWait;
import dev.filelock.internal.flock.FlockFile.Descriptor;
import dev.filelock.internal.posix.Posix;
import dev.filelock.internal.posix.StatCalls;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The OS-level half of a {@code NativeReadWriteFileLock}: {@code LOCK_SH} (read) or
 * {@code LOCK_EX} (write) on the lock file, plus the writers' gate,
 * {@code <lock file>.writer}, that keeps a stream of our readers from starving a writer:
 * a writer that finds the lock file taken holds {@code LOCK_EX} on the gate until it has
 * the lock file, and a reader takes the lock file only while it holds
 * {@code LOCK_SH | LOCK_NB} on the gate, which it drops at once. A writer tries the lock
 * file before the gate (an uncontended write costs what a {@code FileLock} costs).
 * Attempts never block in the kernel: they retry with {@code LOCK_NB}, paced by the
 * caller's {@link ReadWriteBackendWait} (writers more often than readers).
 *
 * <p>
 * Both descriptors stay open between holds (parked, bounded by the
 * {@code ReadWriteTable}). The entry calls every method from one thread at a time (under
 * its mutex, or as its one attempter while nothing is held), so no method here
 * synchronizes.
 */
public final class FlockReadWriteBackend implements ReadWriteBackend {

    /** The suffix of the writers' gate file, next to the lock file. */
    static final String GATE_SUFFIX = ".writer";

    /**
     * How long a reader trusts that its gate descriptor is on the file at the gate's path
     * without looking it up again: one {@code lstat} fewer per read.
     */
    static final long GATE_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * A waiting writer retries at a 64th of the time waited (at most the poll interval),
     * not a twentieth: the handoff from a writer of another process takes about a 128th
     * of the time waited, for about 650 attempts in a 10 s wait.
     */
    static final int WRITER_ELAPSED_FRACTION = 64;

    private final Path path;

    /**
     * The permission bits of both files, or {@code LockOptions.UNSET_FILE_MODE} for 0666
     * filtered by the umask.
     */
    private final int fileMode;

    private final Path gatePath;

    private final FlockFile lockFile;

    private final FlockFile gateFile;

    private final byte[] statBuffer = new byte[StatCalls.BUFFER_SIZE];

    private @Nullable Descriptor lockDescriptor;

    private @Nullable Descriptor gateDescriptor;

    /** The gate descriptor last found on the file at the gate's path, and when. */
    private @Nullable Descriptor verifiedGate;

    private long gateVerifiedAt;

    FlockReadWriteBackend(Path canonicalPath, Path path, int fileMode) {
        this.path = path;
        this.fileMode = fileMode;
        this.gatePath = path.resolveSibling(path.getFileName() + GATE_SUFFIX);
        this.lockFile = new FlockFile(canonicalPath);
        this.gateFile = new FlockFile(canonicalPath.resolveSibling(canonicalPath.getFileName() + GATE_SUFFIX));
    }

    /**
     * A factory for backends whose files get the given permission bits (or
     * {@code LockOptions.UNSET_FILE_MODE}).
     */
    public static ReadWriteBackend.Factory factory(int fileMode) {
        return (canonicalPath, path) -> new FlockReadWriteBackend(canonicalPath, path, fileMode);
    }

    @Override
    public boolean acquire(LockMode mode, ReadWriteBackendWait wait) {
        if (Platform.isWindows()) {
            throw LockFailures.cannotLock(path, "a NativeReadWriteFileLock needs flock(2), which Windows lacks;"
                    + " use ReadWriteFileLock or SoftReadWriteFileLock", null);
        }
        try {
            // The lock file first: a path that cannot be used is reported as the lock
            // file's problem, not the gate's.
            openLockFile();
            return mode == LockMode.READ ? acquireRead(wait) : acquireWrite(wait);
        }
        catch (FileLockException e) {
            closeIdle();
            throw e.path().equals(gatePath) ? gateFailure(e) : e;
        }
        catch (FlockUnsupportedException e) {
            // Leave no lock file behind that this attempt created and could never lock.
            Descriptor created = lockDescriptor;
            lockDescriptor = null;
            if (created != null) {
                lockFile.discard(created, statBuffer);
            }
            closeIdle();
            throw LockFailures.cannotLock(path,
                    "flock is not supported on its file system; use SoftReadWriteFileLock" + " there", e);
        }
        catch (RuntimeException e) {
            closeIdle();
            throw e;
        }
    }

    private boolean acquireRead(ReadWriteBackendWait wait) {
        do {
            Descriptor gate = openGate();
            if (!tryFlock(gate, gatePath, Posix.LOCK_SH | Posix.LOCK_NB)) {
                continue; // a writer of ours waits or holds the gate
            }
            boolean locked;
            try {
                if (!isGateStillAt(gate)) {
                    // Deleted or replaced (a clean-up): writers announce themselves on
                    // the file there now.
                    closeGate();
                    continue;
                }
                locked = tryLockFile(Posix.LOCK_SH);
            }
            finally {
                unlockGate();
            }
            if (locked) {
                return true;
            }
        }
        while (wait.pause());
        return false;
    }

    /**
     * Whether the gate descriptor is still on the file at the gate's path, looked up at
     * most once per {@link #GATE_RECHECK_NANOS}: the gate is deleted only by a clean-up,
     * so a reader passes a writer announced on a new gate at most that long after it was
     * made.
     */
    private boolean isGateStillAt(Descriptor gate) {
        long now = System.nanoTime();
        if (gate == verifiedGate && now - gateVerifiedAt < GATE_RECHECK_NANOS) {
            return true;
        }
        if (!gate.isStillAt(statBuffer)) {
            return false;
        }
        verifiedGate = gate;
        gateVerifiedAt = now;
        return true;
    }

    /**
     * A writer tries the lock file first: the gate only matters while a writer waits. It
     * is opened (created) all the same, so that it exists, and a gate that cannot be used
     * is reported, from the first acquisition on.
     */
    private boolean acquireWrite(ReadWriteBackendWait wait) {
        openGate();
        if (tryLockFile(Posix.LOCK_EX)) {
            return true;
        }
        return pollForWrite(wait);
    }

    /**
     * Waits at the gate and then for the lock file with {@code LOCK_NB} attempts, paced
     * at {@link #WRITER_ELAPSED_FRACTION}: a failed attempt costs two system calls.
     */
    private boolean pollForWrite(ReadWriteBackendWait wait) {
        boolean gateHeld = false;
        try {
            do {
                if (!gateHeld) {
                    gateHeld = tryLockGateExclusively();
                }
                if (gateHeld && tryLockFile(Posix.LOCK_EX)) {
                    return true;
                }
            }
            while (wait.pause(WRITER_ELAPSED_FRACTION));
            return false;
        }
        finally {
            if (gateHeld) {
                unlockGate();
            }
        }
    }

    private boolean tryLockGateExclusively() {
        while (true) {
            Descriptor gate = openGate();
            if (!tryFlock(gate, gatePath, Posix.LOCK_EX | Posix.LOCK_NB)) {
                return false;
            }
            if (gate.isStillAt(statBuffer)) {
                return true;
            }
            closeGate(); // closing drops the gate hold on the replaced file
        }
    }

    /**
     * One attempt at the lock file in the given mode; retried at once when the file was
     * replaced under us.
     */
    private boolean tryLockFile(int operation) {
        while (true) {
            Descriptor descriptor = openLockFile();
            if (!tryFlock(descriptor, path, operation | Posix.LOCK_NB)) {
                return false;
            }
            if (descriptor.isStillAt(statBuffer)) {
                return true;
            }
            // A peer (Python filelock 3.28) deleted or replaced the file after we opened
            // it: lock what is there now.
            closeLockFile();
        }
    }

    /**
     * Whether a new reader of this JVM may join the shared hold: not once a writer of
     * another of our processes waits at the gate. Two {@code flock} calls on the gate
     * descriptor, which holds nothing while we read.
     */
    @Override
    public boolean admitsNewReaders() {
        Descriptor gate = gateDescriptor;
        if (gate == null) {
            return true; // closed after a failed unlock: nothing to look at until the
                         // next acquisition opens it
        }
        try {
            FlockExclusiveBackend.flockCall.flock(gate.fd, Posix.LOCK_SH | Posix.LOCK_NB);
        }
        catch (LastErrorException e) {
            // Only EWOULDBLOCK says that a writer waits; any other failure is left to the
            // next acquisition to report.
            return e.getErrorCode() != Posix.EWOULDBLOCK;
        }
        unlockGate();
        return true;
    }

    @Override
    public void release() {
        Descriptor descriptor = lockDescriptor;
        if (descriptor == null) {
            return;
        }
        try {
            Posix.flock(descriptor.fd, Posix.LOCK_UN);
        }
        catch (LastErrorException e) {
            // Closing the only descriptor of the open file description drops the lock
            // whatever flock said.
            closeLockFile();
        }
    }

    @Override
    public void close() {
        closeIdle();
    }

    @Override
    public boolean keepsIdleResources() {
        return lockDescriptor != null || gateDescriptor != null;
    }

    @Override
    public void closeIdle() {
        closeLockFile();
        closeGate();
    }

    /**
     * One {@code flock} call, repeated after a signal.
     * @return false when another holder is in the way ({@code EWOULDBLOCK})
     * @throws FileLockException (or {@link FlockUnsupportedException}) when flock fails
     * otherwise; the descriptor is closed then
     */
    private boolean tryFlock(Descriptor descriptor, Path messagePath, int operation) {
        while (true) {
            try {
                FlockExclusiveBackend.flockCall.flock(descriptor.fd, operation);
                return true;
            }
            catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Posix.EWOULDBLOCK) {
                    return false;
                }
                if (errno != Posix.EINTR) {
                    FlockFile file = descriptor == gateDescriptor ? gateFile : lockFile;
                    if (descriptor == gateDescriptor) {
                        gateDescriptor = null;
                    }
                    else {
                        lockDescriptor = null;
                    }
                    throw file.lockFailed(descriptor, messagePath, e, statBuffer);
                }
            }
        }
    }

    private Descriptor openLockFile() {
        Descriptor descriptor = lockDescriptor;
        if (descriptor == null) {
            descriptor = lockFile.open(path, fileMode);
            lockDescriptor = descriptor;
        }
        return descriptor;
    }

    /** Names the lock in a failure of its gate file, which the user never named. */
    private FileLockException gateFailure(FileLockException e) {
        String message = String.valueOf(e.getMessage());
        String detail = message.startsWith("Cannot lock ") ? message.substring("Cannot lock ".length()) : message;
        return LockFailures.cannotLock(path, "its writers' gate file " + detail, e);
    }

    private Descriptor openGate() {
        Descriptor gate = gateDescriptor;
        if (gate == null) {
            gate = gateFile.open(gatePath, fileMode);
            gateDescriptor = gate;
        }
        return gate;
    }

    private void unlockGate() {
        Descriptor gate = gateDescriptor;
        if (gate == null) {
            return;
        }
        try {
            Posix.flock(gate.fd, Posix.LOCK_UN);
        }
        catch (LastErrorException e) {
            closeGate(); // closing drops the gate hold whatever flock said
        }
    }

    private void closeLockFile() {
        Descriptor descriptor = lockDescriptor;
        lockDescriptor = null;
        if (descriptor != null) {
            descriptor.close();
        }
    }

    private void closeGate() {
        Descriptor gate = gateDescriptor;
        gateDescriptor = null;
        verifiedGate = null;
        if (gate != null) {
            gate.close();
        }
    }

}
