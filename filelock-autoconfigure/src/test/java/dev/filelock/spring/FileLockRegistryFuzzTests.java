package dev.filelock.spring;

import dev.filelock.fixtures.fuzz.LockFuzzer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the lock's promise across processes through the {@link FileLockRegistry} (see
 * {@link LockFuzzer} and {@link RegistryFuzzSubjects}): three participant JVMs on the
 * default registry ({@code flock} read/write locks), plus a Python {@code FileLock}
 * process on the same file, a writer that both modes must exclude, with registry expiry
 * among the operations.
 *
 * <p>
 * {@code ./mvnw verify} runs each for {@value LockFuzzer#DEFAULT_SECONDS} s with a random
 * seed (printed). A long run:
 *
 * <pre>
 * ./mvnw -B -pl filelock-autoconfigure -am test -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest='FileLockRegistryFuzzTests' -Dfilelock.fuzz.seconds=600 [-Dfilelock.fuzz.seed=1234]
 * </pre>
 */
// The fuzzer bounds itself (the run's length, then at most its wedge limit), and a long
// run is meant to last.
@Timeout(value = 24, unit = TimeUnit.HOURS)
class FileLockRegistryFuzzTests {

    private static final int JVMS = 3;

    @TempDir
    Path dir;

    @Test
    void exclusiveLocks() {
        new LockFuzzer(RegistryFuzzSubjects.class, "registry", JVMS, "FileLock",
                "filelock-autoconfigure/FileLockRegistryFuzzTests#exclusiveLocks")
            .run(this.dir.resolve("fuzz.lock"));
    }

    @Test
    void readWriteLocks() {
        new LockFuzzer(RegistryFuzzSubjects.class, "registry-rw", JVMS, "FileLock",
                "filelock-autoconfigure/FileLockRegistryFuzzTests#readWriteLocks")
            .run(this.dir.resolve("fuzz.lock"));
    }

}
