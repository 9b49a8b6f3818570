package dev.filelock.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration properties for filelock ({@code filelock.*}).
 *
 * @since 0.1
 */
@ConfigurationProperties("filelock")
public class FileLockProperties {

    /** Default lock directory: "filelock" under the system temporary directory. */
    static final Path DEFAULT_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "filelock");

    /**
     * Directory holding the lock files; lock keys and @FileLocked paths are resolved
     * under it and can never leave it. Created if missing. Defaults to "filelock" under
     * the system temporary directory.
     */
    private Path directory = DEFAULT_DIRECTORY;

    /**
     * How long @FileLocked methods wait for their lock when the annotation sets no
     * timeout. Negative waits forever, zero makes one attempt.
     */
    private Duration defaultTimeout = Duration.ofMillis(-1);

    /**
     * Lock protocol of every lock file, for both modes: 'native' (flock LOCK_EX /
     * LOCK_SH; Python's FileLock and flock(1) exclude both modes), 'sqlite' (Python's
     * ReadWriteLock), 'soft' (marker files, Python's SoftFileLock, for filesystems where
     * flock does not work; no shared mode) or 'soft-read-write' (Python's
     * SoftReadWriteLock).
     */
    private Type type = Type.NATIVE;

    /**
     * Permission bits of new lock files, in octal such as 0644 (quote it in YAML); with
     * filelock.type native or soft (sqlite and soft-read-write refuse it at startup).
     * Unset creates them with 0666 filtered by the umask.
     */
    private @Nullable String fileMode;

    /**
     * Longest pause between two attempts at a lock held by another process.
     */
    private Duration pollInterval = Duration.ofMillis(50);

    /**
     * Where @FileLocked methods take their locks: 'file' (lock files under the
     * directory), 'jdbc' (Spring Integration's JdbcLockRegistry on the application's
     * DataSource, for applications running on several hosts), or the name of another
     * Spring Integration LockRegistry bean.
     */
    private String backend = "file";

    /**
     * What READ locks do where there are no shared locks (filelock.type=soft, or a
     * backend other than 'file'): 'exclusive' takes the key's exclusive lock, so readers
     * exclude each other (logged once at startup); 'refuse' fails the startup of an
     * application with @FileLocked(mode = READ) methods.
     */
    private ReadModeFallback readModeFallback = ReadModeFallback.EXCLUSIVE;

    /**
     * Number of lock entries the registry keeps before it drops the unused ones; held
     * entries are never dropped.
     */
    private int cacheCapacity = 10_000;

    private final Annotation annotation = new Annotation();

    private final Health health = new Health();

    private final Soft soft = new Soft();

    private final Metrics metrics = new Metrics();

    public Path getDirectory() {
        return this.directory;
    }

    public void setDirectory(Path directory) {
        this.directory = directory;
    }

    public Duration getDefaultTimeout() {
        return this.defaultTimeout;
    }

    public void setDefaultTimeout(Duration defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
    }

    public Type getType() {
        return this.type;
    }

    public void setType(Type type) {
        this.type = type;
    }

    public @Nullable String getFileMode() {
        return this.fileMode;
    }

    public void setFileMode(@Nullable String fileMode) {
        this.fileMode = fileMode;
    }

    public Duration getPollInterval() {
        return this.pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public String getBackend() {
        return this.backend;
    }

    public void setBackend(String backend) {
        this.backend = backend;
    }

    public ReadModeFallback getReadModeFallback() {
        return this.readModeFallback;
    }

    public void setReadModeFallback(ReadModeFallback readModeFallback) {
        this.readModeFallback = readModeFallback;
    }

    public int getCacheCapacity() {
        return this.cacheCapacity;
    }

    public void setCacheCapacity(int cacheCapacity) {
        this.cacheCapacity = cacheCapacity;
    }

    public Annotation getAnnotation() {
        return this.annotation;
    }

    public Health getHealth() {
        return this.health;
    }

    public Soft getSoft() {
        return this.soft;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    /**
     * Returns the file mode as permission bits, or -1 when unset.
     * @throws InvalidConfigurationPropertyValueException if the mode is not octal
     * permission bits
     */
    int fileModeBits() {
        if (this.fileMode == null || this.fileMode.isBlank()) {
            return -1;
        }
        String digits = this.fileMode.trim();
        if (!digits.matches("0?[0-7]{1,3}")) {
            throw new InvalidConfigurationPropertyValueException("filelock.file-mode", this.fileMode,
                    "must be octal permission bits between 0000 and 0777, such as 0644");
        }
        return Integer.parseInt(digits, 8);
    }

    /**
     * Returns the poll interval.
     * @throws InvalidConfigurationPropertyValueException if it is not positive
     */
    Duration checkedPollInterval() {
        if (this.pollInterval.isZero() || this.pollInterval.isNegative()) {
            throw new InvalidConfigurationPropertyValueException("filelock.poll-interval", this.pollInterval,
                    "must be positive");
        }
        return this.pollInterval;
    }

    /**
     * The lock protocol of the registry: one per path, for both modes, each matching a
     * Python filelock class.
     */
    public enum Type {

        /**
         * {@link dev.filelock.NativeReadWriteFileLock}: {@code flock(2)} {@code LOCK_EX}
         * for WRITE, {@code LOCK_SH} for READ; Python's {@code FileLock} and
         * {@code flock -x} exclude both modes.
         */
        NATIVE,

        /**
         * {@link dev.filelock.ReadWriteFileLock}: SQLite transactions, Python's
         * {@code ReadWriteLock}.
         */
        SQLITE,

        /**
         * {@link dev.filelock.SoftFileLock}: an {@code O_CREAT|O_EXCL} marker file,
         * Python's {@code SoftFileLock}; exclusive only, so READ follows
         * {@code filelock.read-mode-fallback}.
         */
        SOFT,

        /**
         * {@link dev.filelock.SoftReadWriteFileLock}: marker files with heartbeats,
         * Python's {@code SoftReadWriteLock}.
         */
        SOFT_READ_WRITE;

        public boolean isSoft() {
            return this == SOFT || this == SOFT_READ_WRITE;
        }

        /**
         * Tells whether {@code filelock.file-mode} applies: whether this protocol's lock
         * files are created by the library with the given permission bits.
         * @return whether it is {@link #NATIVE} or {@link #SOFT}
         */
        public boolean hasFileMode() {
            return this == NATIVE || this == SOFT;
        }

    }

    /** What READ locks become where there are no shared locks. */
    public enum ReadModeFallback {

        /** Take the key's exclusive lock instead (readers then exclude each other). */
        EXCLUSIVE,

        /** Refuse such methods at startup. */
        REFUSE

    }

    /** Settings of the {@code @FileLocked} annotation support. */
    public static class Annotation {

        /**
         * Whether to apply @FileLocked to Spring beans.
         */
        private boolean enabled = true;

        /**
         * Order of the @FileLocked advisor; it must run before (have a smaller order
         * than) the transaction advisor so that the lock is taken before a transaction
         * begins and released after it ends.
         */
        private int order = Integer.MAX_VALUE - 1000;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getOrder() {
            return this.order;
        }

        public void setOrder(int order) {
            this.order = order;
        }

    }

    /** Settings of soft locks, used when {@code filelock.type=soft}. */
    public static class Soft {

        /**
         * Age after which another process breaks a soft exclusive lock even if its holder
         * still runs (Python's lifetime), for holders that may hang for ever; held locks
         * with a lifetime are not refreshed. Unset means locks never expire: only the
         * locks of dead holders on this host, or lock files left empty past a few seconds
         * and open nowhere on this host, are broken. Every process sharing the locks
         * should use the same value.
         */
        private @Nullable Duration lifetime;

        public @Nullable Duration getLifetime() {
            return this.lifetime;
        }

        public void setLifetime(@Nullable Duration lifetime) {
            this.lifetime = lifetime;
        }

        /**
         * Returns the lifetime.
         * @throws InvalidConfigurationPropertyValueException if it is zero or negative
         */
        @Nullable Duration checkedLifetime() {
            if (this.lifetime != null && (this.lifetime.isZero() || this.lifetime.isNegative())) {
                throw new InvalidConfigurationPropertyValueException("filelock.soft.lifetime", this.lifetime,
                        "must be positive (leave it unset for locks that never expire)");
            }
            return this.lifetime;
        }

    }

    /** Settings of the {@code filelock} health indicator. */
    public static class Health {

        /**
         * Longest time a lock of this JVM may be held before the health status turns
         * DOWN. Unset means no limit.
         */
        private @Nullable Duration maxHold;

        /**
         * Ant-style patterns of the lock keys that max-hold ignores, matched against the
         * key relative to the lock directory with '/' separators: '?' one character, '*'
         * within a segment, '**' any segments (e.g. 'leader' or 'leaders/**'). For locks
         * held for the life of the application, such as LockRegistryLeaderInitiator's.
         */
        private List<String> maxHoldExclude = new ArrayList<>();

        public @Nullable Duration getMaxHold() {
            return this.maxHold;
        }

        public void setMaxHold(@Nullable Duration maxHold) {
            this.maxHold = maxHold;
        }

        public List<String> getMaxHoldExclude() {
            return this.maxHoldExclude;
        }

        public void setMaxHoldExclude(List<String> maxHoldExclude) {
            this.maxHoldExclude = maxHoldExclude;
        }

    }

    /** Settings of file lock metrics and observations. */
    public static class Metrics {

        /**
         * Whether to tag filelock.acquire and filelock.held metrics with the lock path.
         * Only for a small, fixed set of lock keys: every distinct path becomes a time
         * series. Otherwise the path is only seen by tracing.
         */
        private boolean includePath;

        public boolean isIncludePath() {
            return this.includePath;
        }

        public void setIncludePath(boolean includePath) {
            this.includePath = includePath;
        }

    }

}
