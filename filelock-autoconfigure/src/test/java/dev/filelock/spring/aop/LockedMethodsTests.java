package dev.filelock.spring.aop;

import dev.filelock.LockMode;
import dev.filelock.SoftFileLock;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.integration.support.locks.DefaultLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link LockedMethods}: misuse of {@link FileLocked} fails at startup, naming
 * the method.
 */
class LockedMethodsTests {

    @TempDir
    Path directory;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    @Test
    void refusesAnUnparsablePathTemplateAtStartup() {
        contextRunner().withBean(UnparsableTemplate.class)
            .run(failsWith("Invalid @FileLocked on " + UnparsableTemplate.class.getName() + ".work()",
                    "path 'orders/#{#id'"));
    }

    @Test
    void refusesAnUnparsableTimeoutAtStartup() {
        contextRunner().withBean(UnparsableTimeout.class)
            .run(failsWith("Invalid @FileLocked on " + UnparsableTimeout.class.getName() + ".work()",
                    "timeout 'ten seconds' is not a duration"));
    }

    @Test
    void refusesReadModeOnARegistryBeanThatRefusesReadersNamingTheFix() {
        contextRunner()
            .withBean(FileLockRegistry.class, () -> new FileLockRegistry(this.directory, SoftFileLock::of, false))
            .withBean(Reader.class)
            .run(failsWith("Invalid @FileLocked on " + Reader.class.getName() + ".read()",
                    "mode = READ needs a shared lock, but the lock backend (FileLockRegistry[",
                    "has none: use filelock.type=native, sqlite or soft-read-write (read/write locks), or set "
                            + "filelock.read-mode-fallback=exclusive",
                    "a FileLockRegistry bean of your own needs a read/write lock factory or readsAsExclusive"));
    }

    @Test
    void refusesReadModeOnSoftLocksWhenTheFallbackRefusesNamingTheFix() {
        contextRunner().withPropertyValues("filelock.type=soft", "filelock.read-mode-fallback=refuse")
            .withBean(Reader.class)
            .run(failsWith("Invalid @FileLocked on " + Reader.class.getName() + ".read()",
                    "mode = READ needs a shared lock", "use filelock.type=native, sqlite or soft-read-write"));
    }

    @Test
    void readModeOnSoftLocksTakesTheExclusiveLockByDefault() {
        contextRunner().withPropertyValues("filelock.type=soft").withBean(Reader.class).run((context) -> {
            assertThat(context).hasNotFailed();
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            assertThat(registry.supports(LockMode.READ)).isTrue();
            context.getBean(Reader.class).read();
            assertThat(registry.entries()).singleElement()
                .satisfies((entry) -> assertThat(entry.lock()).isInstanceOf(SoftFileLock.class));
        });
    }

    @Test
    void refusingReadModeOnARegistryBackendNamesTheFallbackProperty() {
        contextRunner().withPropertyValues("filelock.backend=locks", "filelock.read-mode-fallback=refuse")
            .withBean("locks", DefaultLockRegistry.class, DefaultLockRegistry::new)
            .withBean(Reader.class)
            .run(failsWith("Invalid @FileLocked on " + Reader.class.getName() + ".read()",
                    "mode = READ needs a shared lock, but the lock backend (LockRegistryBackend[locks: ",
                    "has none: set filelock.read-mode-fallback=exclusive to take the key's exclusive lock instead, or "
                            + "use filelock.backend=file"));
    }

    @Test
    void acceptsReadModeWithNativeLocks() {
        contextRunner().withBean(Reader.class).run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void refusesAPublisherOtherThanMonoOrFluxNamingTheFix() {
        contextRunner().withBean(PublisherReturner.class)
            .run(failsWith("Invalid @FileLocked on " + PublisherReturner.class.getName() + ".publish()",
                    "the return type org.reactivestreams.Publisher is a reactive publisher other than Mono or Flux, "
                            + "so the lock could not be held while it runs; declare Mono or Flux (Mono.from and "
                            + "Flux.from adapt any Publisher)"));
    }

    @Test
    void refusesAFutureOrPublisherReturnedThroughAnUndeclaredTypeNamingTheFix() {
        contextRunner().withBean(UndeclaredAsync.class).run((context) -> {
            UndeclaredAsync bean = context.getBean(UndeclaredAsync.class);
            assertThatIllegalStateException().isThrownBy(bean::future)
                .withMessage("@FileLocked method " + UndeclaredAsync.class.getName() + ".future() returned a "
                        + "java.util.concurrent.CompletableFuture through its declared return type java.lang.Object, "
                        + "so its lock was released when it returned while the work of that value may run later, "
                        + "unlocked: declare the return type as CompletableFuture, CompletionStage, Mono or Flux, and "
                        + "the lock is held until it completes");
            assertThatIllegalStateException().isThrownBy(bean::mono)
                .withMessageStartingWith("@FileLocked method " + UndeclaredAsync.class.getName() + ".mono() returned a "
                        + "reactor.core.publisher.MonoJust through its declared return type java.lang.Object");
            assertThat(bean.value()).isEqualTo("plain values pass");
        });
    }

    @Test
    void refusesSkippingAMethodThatReturnsAPrimitive() {
        contextRunner().withBean(PrimitiveSkipper.class)
            .run(failsWith("Invalid @FileLocked on " + PrimitiveSkipper.class.getName() + ".count()",
                    "onTimeout = SKIP cannot skip a method returning int"));
    }

    @Test
    void acceptsSkippingVoidAndOptionalMethods() {
        contextRunner().withBean(Skipper.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(AopUtils.isAopProxy(context.getBean(Skipper.class))).isTrue();
        });
    }

    @Test
    void refusesAConstantPathThatEscapesTheLockDirectory() {
        contextRunner().withBean(Escaper.class)
            .run(failsWith("Invalid @FileLocked on " + Escaper.class.getName() + ".work()", "'../outside.lock'"));
    }

    @Test
    void checksEveryLockedMethodOfABeanNotOnlyTheFirst() {
        contextRunner().withBean(OneBadMethodAmongGoodOnes.class)
            .run(failsWith(OneBadMethodAmongGoodOnes.class.getName() + ".fourth()", "'soon'"));
    }

    @Test
    void findsAnnotationsOnInterfaceMethodsBehindJdkProxies() {
        contextRunner().withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withPropertyValues("spring.aop.proxy-target-class=false")
            .withBean(Greeter.class, DefaultGreeter::new)
            .run((context) -> {
                Greeter greeter = context.getBean(Greeter.class);
                assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
                FileLockRegistry registry = context.getBean(FileLockRegistry.class);
                assertThat(greeter.greet("ann", () -> CompletableFuture.supplyAsync(() -> {
                    Lock lock = registry.obtain("greetings/ann.lock");
                    boolean free = lock.tryLock();
                    if (free) {
                        lock.unlock();
                    }
                    return free;
                }).join())).isEqualTo("lock was free: false");
            });
    }

    @Test
    void refusesMethodsThatAProxyCannotIntercept() {
        contextRunner().withBean(FinalMethod.class)
            .run(failsWith(FinalMethod.class.getName() + ".work()", "a final method cannot be intercepted"));
        contextRunner().withBean(PrivateMethod.class)
            .run(failsWith(PrivateMethod.class.getName() + ".work()", "a private method cannot be intercepted",
                    "or weave it with @EnableFileLocking(mode = AdviceMode.ASPECTJ)"));
        contextRunner().withBean(StaticMethod.class)
            .run(failsWith(StaticMethod.class.getName() + ".work()", "a static method belongs to no bean",
                    "make it an instance method of a bean"));
    }

    @Test
    void findsFileLockedUsedAsAMetaAnnotation() {
        contextRunner().withBean(ComposedUser.class)
            .run(failsWith(ComposedUser.class.getName() + ".work()", "timeout 'soon'"));
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String... messageParts) {
        return (context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .message()
                .contains(messageParts);
        };
    }

    static class UndeclaredAsync {

        @FileLocked(path = "undeclared.lock")
        public Object future() {
            return CompletableFuture.completedFuture("done");
        }

        @FileLocked(path = "undeclared.lock")
        public Object mono() {
            return reactor.core.publisher.Mono.just("done");
        }

        @FileLocked(path = "undeclared.lock")
        public Object value() {
            return "plain values pass";
        }

    }

    static class PublisherReturner {

        @FileLocked(path = "published.lock")
        public org.reactivestreams.Publisher<String> publish() {
            return reactor.core.publisher.Mono.just("published");
        }

    }

    public interface Greeter {

        @FileLocked(path = "greetings/#{#name}.lock")
        String greet(String name, BooleanSupplier lockIsFree);

    }

    static class DefaultGreeter implements Greeter {

        @Override
        public String greet(String name, BooleanSupplier lockIsFree) {
            return "lock was free: " + lockIsFree.getAsBoolean();
        }

    }

    public static class FinalMethod {

        @FileLocked(path = "a.lock")
        public final void work() {
        }

    }

    public static class StaticMethod {

        @FileLocked(path = "a.lock")
        public static void work() {
        }

    }

    public static class PrivateMethod {

        @FileLocked(path = "a.lock")
        private void work() {
        }

        public void callsWork() {
            work();
        }

    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @FileLocked(path = "composed.lock", timeout = "soon")
    @interface ComposedLock {

    }

    public static class ComposedUser {

        @ComposedLock
        public void work() {
        }

    }

    public static class UnparsableTemplate {

        @FileLocked(path = "orders/#{#id")
        public void work() {
        }

    }

    public static class UnparsableTimeout {

        @FileLocked(path = "a.lock", timeout = "ten seconds")
        public void work() {
        }

    }

    public static class Reader {

        @FileLocked(path = "a.db", mode = LockMode.READ)
        public void read() {
        }

    }

    public static class PrimitiveSkipper {

        @FileLocked(path = "a.lock", onTimeout = OnTimeout.SKIP)
        public int count() {
            return 1;
        }

    }

    public static class Skipper {

        @FileLocked(path = "a.lock", onTimeout = OnTimeout.SKIP)
        public void run() {
        }

        @FileLocked(path = "a.lock", onTimeout = OnTimeout.SKIP)
        public Optional<String> find() {
            return Optional.empty();
        }

        @FileLocked(path = "a.lock", onTimeout = OnTimeout.SKIP)
        public Integer boxed() {
            return 1;
        }

    }

    public static class Escaper {

        @FileLocked(path = "../outside.lock")
        public void work() {
        }

    }

    public static class OneBadMethodAmongGoodOnes {

        @FileLocked(path = "a.lock")
        public void first() {
        }

        @FileLocked(path = "b.lock")
        public void second() {
        }

        @FileLocked(path = "c.lock")
        public void third() {
        }

        @FileLocked(path = "d.lock", timeout = "soon")
        public void fourth() {
        }

    }

}
