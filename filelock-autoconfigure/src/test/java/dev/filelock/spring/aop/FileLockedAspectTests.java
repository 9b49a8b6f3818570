package dev.filelock.spring.aop;

import dev.filelock.FileLockTimeoutException;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.aspectj.SelfInvokingJob;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Lock;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.reflect.MethodSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

/**
 * Tests for {@link FileLockedAspect} without a weaver: its advice called with a join
 * point, as woven code calls it.
 */
class FileLockedAspectTests {

    @TempDir
    Path directory;

    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopOtherThread() {
        this.otherThread.shutdownNow();
    }

    @Test
    void anUnconfiguredAspectRefusesToRunTheMethodUnlocked() throws Throwable {
        ProceedingJoinPoint joinPoint = mock(ProceedingJoinPoint.class);
        assertThatIllegalStateException().isThrownBy(() -> new FileLockedAspect().lock(joinPoint))
            .withMessage("A @FileLocked method was called, but " + FileLockedAspect.class.getName() + " has no lock "
                    + "backend yet, so it cannot lock: add @EnableFileLocking(mode = AdviceMode.ASPECTJ) to a "
                    + "configuration class (and keep filelock.annotation.enabled=true), and do not call locked methods "
                    + "before the application context has started or after it closed; to use Spring proxies instead, "
                    + "remove the aspect from META-INF/aop.xml or from compile-time weaving");
        then(joinPoint).should(never()).proceed();
    }

    @Test
    void closingAContextRemovesOnlyItsOwnConfiguration() throws Throwable {
        FileLockRegistry registry = new FileLockRegistry(this.directory);
        FileLockedAspect aspect = new FileLockedAspect();
        DefaultListableBeanFactory first = new DefaultListableBeanFactory();
        DefaultListableBeanFactory second = new DefaultListableBeanFactory();
        aspect.configure(() -> registry, () -> Duration.ofSeconds(10), first);
        aspect.configure(() -> registry, () -> Duration.ofSeconds(10), second);
        aspect.unconfigure(first);
        SelfInvokingJob job = new SelfInvokingJob(registry, this.directory, "test");
        assertThat(aspect.lock(joinPoint(job, SelfInvokingJob.class.getMethod("lockedProbe")))).isEqualTo(true);
        aspect.unconfigure(second);
        ProceedingJoinPoint afterClose = joinPoint(job, SelfInvokingJob.class.getMethod("lockedProbe"));
        assertThatIllegalStateException().isThrownBy(() -> aspect.lock(afterClose))
            .withMessageContaining("before the application context has started or after it closed");
        then(afterClose).should(never()).proceed();
    }

    @Test
    void anAspectThatWasNotWovenIsReportedWithTheFix() {
        assertThatIllegalStateException().isThrownBy(FileLockedAspect::woven)
            .withMessageContaining("the aspect was not woven")
            .withMessageContaining("-javaagent:<path to aspectjweaver.jar>")
            .withMessageContaining("or use AdviceMode.PROXY");
    }

    @Test
    void runsTheJoinPointHoldingTheLockOfItsEvaluatedPath() throws Throwable {
        FileLockRegistry registry = new FileLockRegistry(this.directory);
        SelfInvokingJob job = new SelfInvokingJob(registry, this.directory, "test");
        Method templated = SelfInvokingJob.class.getMethod("templated", String.class);
        ProceedingJoinPoint joinPoint = joinPoint(job, templated, "42");
        assertThat(configured(registry).lock(joinPoint)).isEqualTo(true);
        assertThat(this.directory.resolve("orders/42.lock")).exists();
        assertThat(registry.entries()).noneMatch(FileLockRegistry.Entry::isHeld);
    }

    @Test
    void holdsTheLockOfAMonoOnEverySubscriptionAfterTheAdviceReturned() throws Throwable {
        FileLockRegistry registry = new FileLockRegistry(this.directory);
        SelfInvokingJob job = new SelfInvokingJob(registry, this.directory, "test");
        ProceedingJoinPoint joinPoint = joinPoint(job, SelfInvokingJob.class.getMethod("lockedMono"));
        Mono<?> mono = (Mono<?>) configured(registry).lock(joinPoint);
        then(joinPoint).should(never()).proceed();
        assertThat(mono.block()).isEqualTo(true);
        assertThat(mono.block()).isEqualTo(true);
        then(joinPoint).should(times(2)).proceed();
    }

    @Test
    void throwsTheTimeoutNamingTheMethodOrSkipsAsTheAnnotationSays() throws Throwable {
        FileLockRegistry registry = new FileLockRegistry(this.directory);
        Lock held = registry.obtain("skip.lock");
        this.otherThread.submit(held::lock).get();
        try {
            SelfInvokingJob job = new SelfInvokingJob(registry, this.directory, "test");
            FileLockedAspect aspect = configured(registry);
            ProceedingJoinPoint skippable = joinPoint(job, SelfInvokingJob.class.getMethod("skippable"));
            assertThat(aspect.lock(skippable)).isNull();
            then(skippable).should(never()).proceed();
            ProceedingJoinPoint timingOut = joinPoint(new TimingOut(), TimingOut.class.getMethod("run"));
            assertThatExceptionOfType(FileLockTimeoutException.class).isThrownBy(() -> aspect.lock(timingOut))
                .withMessageStartingWith("@FileLocked method TimingOut.run (key 'skip.lock'): ");
            then(timingOut).should(never()).proceed();
        }
        finally {
            this.otherThread.submit(held::unlock).get();
        }
    }

    @Test
    void acceptsPrivateAndFinalMethodsWhenWovenWhichTheProxyRefuses() {
        FileLockRegistry registry = new FileLockRegistry(this.directory);
        LockedMethods woven = new LockedMethods(() -> registry, () -> Duration.ofSeconds(1), (value) -> value, true);
        assertThat(woven.hasLockedMethods(PrivateAndFinal.class)).isTrue();
        LockedMethods proxied = new LockedMethods(() -> registry, () -> Duration.ofSeconds(1), (value) -> value);
        assertThatIllegalStateException().isThrownBy(() -> proxied.hasLockedMethods(PrivateAndFinal.class))
            .withMessageContaining("cannot be intercepted by a Spring proxy")
            .withMessageEndingWith("make it public and not final, or weave it with "
                    + "@EnableFileLocking(mode = AdviceMode.ASPECTJ)");
    }

    @Test
    void reportsALockedMethodThatTheWeaverDidNotReachWhenTheBeanIsChecked() {
        FileLockedAspect aspect = configured(new FileLockRegistry(this.directory));
        assertThatIllegalStateException().isThrownBy(() -> aspect.checkLockedMethods(TimingOut.class))
            .withMessage("@FileLocked on " + TimingOut.class.getName() + ".run() would run unlocked: "
                    + TimingOut.class.getName() + " was not woven with " + FileLockedAspect.class.getName()
                    + " (include its package in META-INF/aop.xml with <include within=\"...\"/>, do not load it "
                    + "before the weaving agent, or weave it at compile time), or the annotation is where AspectJ does "
                    + "not see it (on an interface, on a superclass's method or as a meta-annotation): put @FileLocked "
                    + "on the method or on its own class");
        assertThatNoException().isThrownBy(() -> aspect.checkLockedMethods(String.class));
    }

    @Test
    void reportsMisuseNamingTheMethodWhenTheBeanIsChecked() {
        FileLockedAspect aspect = configured(new FileLockRegistry(this.directory));
        assertThatIllegalStateException().isThrownBy(() -> aspect.checkLockedMethods(BadTimeout.class))
            .withMessageStartingWith("Invalid @FileLocked on " + BadTimeout.class.getName() + ".run(): timeout "
                    + "'soon' is not a duration");
    }

    private static FileLockedAspect configured(FileLockRegistry registry) {
        FileLockedAspect aspect = new FileLockedAspect();
        aspect.configure(() -> registry, () -> Duration.ofSeconds(10), new DefaultListableBeanFactory());
        return aspect;
    }

    /**
     * A join point of a woven method execution, whose {@code proceed()} runs the method
     * itself.
     */
    private static ProceedingJoinPoint joinPoint(Object target, Method method, Object... args) throws Throwable {
        MethodSignature signature = mock(MethodSignature.class);
        given(signature.getMethod()).willReturn(method);
        ProceedingJoinPoint joinPoint = mock(ProceedingJoinPoint.class);
        given(joinPoint.getSignature()).willReturn(signature);
        given(joinPoint.getThis()).willReturn(target);
        given(joinPoint.getArgs()).willReturn(args);
        given(joinPoint.proceed()).willAnswer((invocation) -> {
            try {
                return method.invoke(target, args);
            }
            catch (InvocationTargetException ex) {
                throw ex.getCause();
            }
        });
        return joinPoint;
    }

    static class TimingOut {

        @FileLocked(path = "skip.lock", timeout = "0")
        public void run() {
        }

    }

    static class PrivateAndFinal {

        @FileLocked(path = "final.lock")
        public final void finalMethod() {
        }

        @FileLocked(path = "private.lock")
        private void privateMethod() {
        }

    }

    static class BadTimeout {

        @FileLocked(path = "bad.lock", timeout = "soon")
        public void run() {
        }

    }

}
