package dev.filelock.spring.aop;

import dev.filelock.spring.FileLockAssert;
import dev.filelock.spring.FileLockContext;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link FileLockContext} on the file backend: bound inside the method (also in the body
 * of an asynchronous one), with no fencing token, and always held.
 */
class FileLockContextOnFilesTests {

    @TempDir
    Path directory;

    @Test
    void aFileLockIsHeldInsideTheMethodAndHasNoFencingToken() {
        runner().run((context) -> context.getBean(Locked.class).run((lock) -> {
            assertThat(lock.key()).isEqualTo("reports/daily.lock");
            assertThat(lock.isHeld()).isTrue();
            FileLockAssert.assertHeld();
            assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(lock::fencingToken)
                .withMessageContaining("'reports/daily.lock'")
                .withMessageContaining("only the 'jdbc' lock backend");
        }));
    }

    @Test
    void theContextIsBoundInTheBodyOfAnAsynchronousMethodAndUnboundAfterIt() {
        runner().run((context) -> {
            String key = context.getBean(Locked.class).async().join();
            assertThat(key).isEqualTo("reports/async.lock");
            assertThatIllegalStateException().isThrownBy(FileLockContext::current)
                .withMessageContaining("No @FileLocked method is running");
        });
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .withBean(Locked.class);
    }

    /** Locked methods that look at their lock. */
    public static class Locked {

        /**
         * Runs the body with the method's lock context.
         * @param body the body
         */
        @FileLocked(path = "reports/daily.lock", timeout = "10s")
        public void run(Consumer<FileLockContext> body) {
            body.accept(FileLockContext.current());
        }

        /**
         * Returns the key seen in the method's body.
         * @return the key
         */
        @FileLocked(path = "reports/async.lock", timeout = "10s")
        public CompletableFuture<String> async() {
            return CompletableFuture.completedFuture(FileLockContext.current().key());
        }

    }

}
