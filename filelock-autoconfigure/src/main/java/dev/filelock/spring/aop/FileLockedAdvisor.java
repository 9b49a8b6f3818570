package dev.filelock.spring.aop;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import java.time.Duration;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.function.SingletonSupplier;

/**
 * The Spring AOP advisor that applies {@link FileLocked}. It is an infrastructure advisor
 * rather than an AspectJ aspect, so it needs no AspectJ on the classpath and is applied
 * by whichever auto-proxy creator the application has, like {@code @Transactional}; give
 * it a higher precedence (a smaller order) than the transaction advisor so that the lock
 * is taken before a transaction begins and released after it ends. As a lifecycle bean,
 * it releases the holds kept for a {@link FileLocked#holdAtLeast() minimum} when the
 * application context stops.
 *
 * @since 0.1
 */
public final class FileLockedAdvisor extends AbstractPointcutAdvisor implements BeanFactoryAware, SmartLifecycle {

    private static final long serialVersionUID = 1L;

    private final transient Pointcut pointcut;

    private final transient Advice advice;

    private transient @Nullable BeanFactory beanFactory;

    private final transient MinimumHolds minimumHolds = new MinimumHolds();

    private transient volatile boolean running;

    /**
     * Creates the advisor.
     * @param backend supplies the lock backend; asked once, when the first bean with
     * {@link FileLocked} methods is checked at startup
     * @param defaultTimeout supplies the timeout of methods that set none; asked once,
     * like {@code backend}
     */
    public FileLockedAdvisor(Supplier<LockBackend> backend, Supplier<Duration> defaultTimeout) {
        Supplier<LockBackend> lockBackend = SingletonSupplier.of(backend);
        LockedMethods lockedMethods = new LockedMethods(lockBackend, SingletonSupplier.of(defaultTimeout),
                this::resolvePlaceholders);
        this.pointcut = new FileLockedPointcut(lockedMethods);
        this.advice = new FileLockedInterceptor(lockedMethods, lockBackend, () -> this.beanFactory, this.minimumHolds);
    }

    /**
     * Keeps minimum holds ({@link FileLocked#holdAtLeast()}) again after a
     * {@link #stop()}.
     */
    @Override
    public void start() {
        this.minimumHolds.start();
        this.running = true;
    }

    /**
     * Releases every hold kept for its {@link FileLocked#holdAtLeast() minimum} now, and
     * releases later ones when their call ends, so that shutting down neither waits for a
     * minimum nor leaves a lock or a thread behind.
     */
    @Override
    public void stop() {
        this.running = false;
        this.minimumHolds.releaseAll();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    /**
     * Stopped after the phases that finish calls (a web server's graceful shutdown, task
     * executors), so that those calls keep their minimum, and before any bean (a
     * {@code DataSource} that a lock store needs) is destroyed.
     * @return {@code 0}
     */
    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public Pointcut getPointcut() {
        return this.pointcut;
    }

    @Override
    public Advice getAdvice() {
        return this.advice;
    }

    private String resolvePlaceholders(String value) {
        return resolvePlaceholders(this.beanFactory, value);
    }

    static String resolvePlaceholders(@Nullable BeanFactory beanFactory, String value) {
        if (beanFactory instanceof ConfigurableBeanFactory configurable) {
            String resolved = configurable.resolveEmbeddedValue(value);
            return (resolved != null) ? resolved : value;
        }
        return value;
    }

}
