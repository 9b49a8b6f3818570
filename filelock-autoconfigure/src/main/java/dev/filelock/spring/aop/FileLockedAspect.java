package dev.filelock.spring.aop;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.Supplier;
import org.aspectj.lang.Aspects;
import org.aspectj.lang.NoAspectBoundException;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.annotation.Pointcut;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Applies {@link FileLocked} by AspectJ weaving instead of a Spring proxy, so that a call
 * from one method of an object to a locked method of the same object is locked too, and
 * private and final methods can be locked; selected with
 * {@code @EnableFileLocking(mode = AdviceMode.ASPECTJ)}, which configures the aspect's
 * single instance (the weaver's {@code aspectOf()}, reached through {@link #woven()})
 * with the application's lock backend, as Spring's {@code
 * AnnotationTransactionAspect} is configured.
 *
 * <p>
 * Woven at load time ({@code -javaagent:aspectjweaver.jar} and a {@code META-INF/aop.xml}
 * that declares and includes this aspect) or at compile time ({@code ajc} with this class
 * on its aspect path and its in-path, since javac compiled it and only a weaver adds its
 * {@code aspectOf()}). Each call runs the same interceptor as proxy mode: the path
 * template, timeout, {@code onTimeout} and asynchronous return types behave alike.
 * Annotations are matched where AspectJ sees them: on the method or on its declaring
 * class, not on an interface or as a meta-annotation.
 *
 * @since 0.1
 */
@Aspect
public class FileLockedAspect {

    private final WovenMethods wovenMethods = new WovenMethods();

    private volatile @Nullable Weaving weaving;

    /**
     * Creates an unconfigured aspect; the weaver creates the one that woven code uses,
     * see {@link #woven()}.
     */
    public FileLockedAspect() {
    }

    /**
     * Returns the aspect instance that the weaver created (the weaver adds
     * {@code aspectOf()} to this class; javac cannot see it).
     * @return the single instance of this aspect
     * @throws IllegalStateException if the aspect was not woven (no
     * {@code -javaagent:aspectjweaver.jar} with an {@code aop.xml} naming it, and no
     * compile-time weaving), so that no {@link FileLocked} method would be locked
     */
    public static FileLockedAspect woven() {
        try {
            return Aspects.aspectOf(FileLockedAspect.class);
        }
        catch (NoAspectBoundException ex) {
            throw new IllegalStateException("@EnableFileLocking(mode = AdviceMode.ASPECTJ) needs "
                    + FileLockedAspect.class.getName() + " woven into the application, but the aspect was not woven, "
                    + "so no @FileLocked method would be locked: start the JVM with -javaagent:<path to "
                    + "aspectjweaver.jar> and a META-INF/aop.xml that declares the aspect and includes both it and "
                    + "your packages (<include within=\"...\"/>), weave at compile time, or use AdviceMode.PROXY", ex);
        }
    }

    /**
     * Makes this aspect lock through {@code backend}, replacing an earlier configuration;
     * until then a {@link FileLocked} method fails with {@link IllegalStateException}
     * rather than run unlocked.
     * @param backend supplies the lock backend; asked once, when the first locked method
     * is checked or called
     * @param defaultTimeout supplies the timeout of methods that set none; asked once,
     * like {@code backend}
     * @param beanFactory resolves property placeholders and {@code @bean} references of
     * path templates; it also identifies the configuration for
     * {@link #unconfigure(BeanFactory)}
     */
    public synchronized void configure(Supplier<LockBackend> backend, Supplier<Duration> defaultTimeout,
            BeanFactory beanFactory) {
        Supplier<LockBackend> lockBackend = SingletonSupplier.of(backend);
        LockedMethods lockedMethods = new LockedMethods(lockBackend, SingletonSupplier.of(defaultTimeout),
                (value) -> FileLockedAdvisor.resolvePlaceholders(beanFactory, value), true);
        MinimumHolds minimumHolds = new MinimumHolds();
        this.weaving = new Weaving(beanFactory, lockedMethods,
                new FileLockedInterceptor(lockedMethods, lockBackend, () -> beanFactory, minimumHolds), minimumHolds);
    }

    /**
     * Removes the configuration made with {@code beanFactory} (when its application
     * context closes), so that later calls fail instead of using a closed backend; a
     * configuration made since by another context stays.
     * @param beanFactory the bean factory given to {@link #configure}
     */
    public synchronized void unconfigure(BeanFactory beanFactory) {
        Weaving current = this.weaving;
        if (current != null && current.owner() == beanFactory) {
            this.weaving = null;
            current.minimumHolds().releaseAll();
        }
    }

    /**
     * Releases every hold kept for its {@link FileLocked#holdAtLeast() minimum} by the
     * configuration made with {@code
     * beanFactory}, and releases later ones when their call ends (the application context
     * is stopping).
     * @param beanFactory the bean factory given to {@link #configure}
     */
    public void releaseMinimumHolds(BeanFactory beanFactory) {
        Weaving current = this.weaving;
        if (current != null && current.owner() == beanFactory) {
            current.minimumHolds().releaseAll();
        }
    }

    /**
     * Keeps minimum holds again after {@link #releaseMinimumHolds} (a restarted
     * application context).
     * @param beanFactory the bean factory given to {@link #configure}
     */
    public void keepMinimumHolds(BeanFactory beanFactory) {
        Weaving current = this.weaving;
        if (current != null && current.owner() == beanFactory) {
            current.minimumHolds().start();
        }
    }

    /**
     * Checks every {@link FileLocked} method of a class, so that misuse fails when its
     * bean is created rather than on the first call: its settings, and that the weaver
     * reached it (otherwise it would run unlocked).
     * @param type the class of a bean
     * @throws IllegalStateException naming the method and the reason, if a locked
     * method's settings are invalid or its class was not woven, or if the aspect is not
     * configured
     */
    public void checkLockedMethods(Class<?> type) {
        LockedMethods lockedMethods = weaving().lockedMethods();
        if (!lockedMethods.hasLockedMethods(type)) {
            return;
        }
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (lockedMethods.find(method, type) != null && !this.wovenMethods.isWoven(method)) {
                throw new IllegalStateException("@FileLocked on " + ClassUtils.getQualifiedMethodName(method, type)
                        + "() would run unlocked: " + method.getDeclaringClass().getName() + " was not woven with "
                        + FileLockedAspect.class.getName() + " (include its package in META-INF/aop.xml with <include "
                        + "within=\"...\"/>, do not load it before the weaving agent, or weave it at compile time), or "
                        + "the annotation is where AspectJ does not see it (on an interface, on a superclass's method "
                        + "or as a meta-annotation): put @FileLocked on the method or on its own class");
            }
        }
    }

    @Pointcut("execution(@dev.filelock.spring.FileLocked * *(..))")
    void annotatedMethod() {
    }

    @Pointcut("execution(public * (@dev.filelock.spring.FileLocked *).*(..))")
    void publicMethodOfAnnotatedType() {
    }

    /**
     * Runs a woven {@link FileLocked} method while holding its lock.
     * @param joinPoint the method execution
     * @return what the method returns, or what a skipped call returns
     * @throws Throwable what the method throws, or the lock's failure
     */
    @Around("annotatedMethod() || publicMethodOfAnnotatedType()")
    public @Nullable Object lock(ProceedingJoinPoint joinPoint) throws Throwable {
        return weaving().interceptor().invoke(new JoinPointInvocation(joinPoint));
    }

    private Weaving weaving() {
        Weaving weaving = this.weaving;
        if (weaving == null) {
            throw new IllegalStateException("A @FileLocked method was called, but " + FileLockedAspect.class.getName()
                    + " has no lock backend yet, so it cannot lock: add @EnableFileLocking(mode = AdviceMode.ASPECTJ) "
                    + "to a configuration class (and keep filelock.annotation.enabled=true), and do not call locked "
                    + "methods before the application context has started or after it closed; to use Spring proxies "
                    + "instead, remove the aspect from META-INF/aop.xml or from compile-time weaving");
        }
        return weaving;
    }

    private record Weaving(BeanFactory owner, LockedMethods lockedMethods, FileLockedInterceptor interceptor,
            MinimumHolds minimumHolds) {
    }

}
