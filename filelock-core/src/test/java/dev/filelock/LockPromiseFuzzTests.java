package dev.filelock;

import dev.filelock.fixtures.fuzz.CoreSubjects;
import dev.filelock.fixtures.fuzz.LockFuzzer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the lock's promise across processes for each lock kind of the core (see
 * {@link LockFuzzer}): three participant JVMs, plus a Python {@code filelock} process for
 * the native, native read/write and soft kinds, run random acquires, non-waiting and
 * timed acquires, cancelled asynchronous waits, reentrant levels, forced releases and
 * diagnostics, while random participants are killed with SIGKILL.
 *
 * <p>
 * {@code ./mvnw verify} runs each kind for {@value LockFuzzer#DEFAULT_SECONDS} s with a
 * random seed (printed). A long run, here of every kind for ten minutes each, optionally
 * with a given seed:
 *
 * <pre>
 * ./mvnw -B -pl filelock-core -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest='LockPromiseFuzzTests' \
 *     -Dfilelock.fuzz.seconds=600 [-Dfilelock.fuzz.seed=1234]
 * </pre>
 *
 * ({@code -Dtest='LockPromiseFuzzTests#softLock'} picks one kind.)
 */
// The fuzzer bounds itself (the run's length, then at most its wedge limit), and a long
// run is meant to last.
@Timeout(value = 24, unit = TimeUnit.HOURS)
class LockPromiseFuzzTests {

    private static final int JVMS = 3;

    @TempDir
    Path dir;

    @Test
    void nativeLock() {
        fuzz("native", "FileLock", "nativeLock");
    }

    @Test
    void softLock() {
        fuzz("soft", "SoftFileLock", "softLock");
    }

    @Test
    void nativeReadWriteLock() {
        // Python's FileLock takes the same flock(LOCK_EX) as the write side: a writer
        // among the readers.
        fuzz("native-rw", "FileLock", "nativeReadWriteLock");
    }

    @Test
    void readWriteLock() {
        fuzz("rw", null, "readWriteLock");
    }

    @Test
    void softReadWriteLock() {
        fuzz("soft-rw", null, "softReadWriteLock");
    }

    private void fuzz(String kind, @org.jspecify.annotations.Nullable String pythonLockClass, String test) {
        new LockFuzzer(CoreSubjects.class, kind, JVMS, pythonLockClass, "filelock-core/LockPromiseFuzzTests#" + test)
            .run(dir.resolve("fuzz.lock"));
    }

}
