package dev.filelock.spring.actuate.metrics;

import dev.filelock.spring.aop.FileLockedSkipListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Method;
import java.util.Objects;

/**
 * The {@code filelock.skipped} counter: {@link dev.filelock.spring.FileLocked} calls
 * skipped because their lock was not acquired in time ({@code onTimeout = SKIP}), tagged
 * with the {@code method} ({@code SimpleClassName.method}, as few values as annotated
 * methods). A skip is also a {@code filelock.acquire} with {@code outcome=timeout} for
 * the lock; this counter tells which calls did not run.
 *
 * @since 0.1
 */
public class FileLockedSkipMetrics implements FileLockedSkipListener {

    /** The counter's name. */
    public static final String SKIPPED = "filelock.skipped";

    private final MeterRegistry registry;

    /**
     * Creates the counter's recorder.
     * @param registry where to count
     */
    public FileLockedSkipMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void skipped(Method method, String key) {
        Counter.builder(SKIPPED)
            .description("@FileLocked calls skipped because their lock was not acquired in time")
            .tag("method", method.getDeclaringClass().getSimpleName() + "." + method.getName())
            .baseUnit("calls")
            .register(this.registry)
            .increment();
    }

}
