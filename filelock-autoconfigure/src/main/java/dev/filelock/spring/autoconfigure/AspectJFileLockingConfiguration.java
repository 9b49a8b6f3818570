package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.aop.FileLockedAspect;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.util.ClassUtils;

/**
 * Configures the woven {@link FileLockedAspect} for
 * {@link dev.filelock.spring.EnableFileLocking @EnableFileLocking(mode =
 * AdviceMode.ASPECTJ)}, as Spring's {@code AspectJTransactionManagementConfiguration}
 * configures {@code AnnotationTransactionAspect}: the bean is the weaver's single
 * instance, given the application's lock backend; {@link FileLockAutoConfiguration} then
 * registers no advisor.
 */
@Configuration(proxyBeanMethods = false)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
@ConditionalOnBooleanProperty(name = "filelock.annotation.enabled", matchIfMissing = true)
class AspectJFileLockingConfiguration {

    /**
     * The bean name of the aspect, which {@link FileLockAutoConfiguration} checks before
     * adding its advisor.
     */
    static final String ASPECT_BEAN_NAME = "dev.filelock.spring.internalFileLockedAspect";

    /**
     * The aspect, created with the post-processors (it is one's dependency), so that it
     * is configured before any ordinary bean can call a locked method; its collaborators
     * are looked up on first use only.
     */
    @Bean(name = ASPECT_BEAN_NAME, destroyMethod = "")
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static FileLockedAspect fileLockedAspect(ObjectProvider<LockBackend> backend,
            ObjectProvider<FileLockProperties> properties, BeanFactory beanFactory) {
        FileLockedAspect aspect = FileLockedAspect.woven();
        aspect.configure(() -> FileLockAutoConfiguration.lockBackend(backend, properties.getObject()),
                () -> properties.getObject().getDefaultTimeout(), beanFactory);
        return aspect;
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockedMethodsCheck fileLockedMethodsCheck(FileLockedAspect fileLockedAspect, BeanFactory beanFactory) {
        return new LockedMethodsCheck(fileLockedAspect, beanFactory);
    }

    /**
     * Checks the {@link FileLocked} methods of every bean as it is created, so that
     * misuse fails at startup as in proxy mode (where the advisor's pointcut checks
     * them); releases minimum holds when the context stops, in the advisor's phase
     * (before a {@code DataSource} that a lock store needs is destroyed); and removes
     * this context's configuration of the aspect when the context closes.
     */
    static final class LockedMethodsCheck implements BeanPostProcessor, DisposableBean, SmartLifecycle {

        private volatile boolean running;

        private final FileLockedAspect aspect;

        private final BeanFactory beanFactory;

        LockedMethodsCheck(FileLockedAspect aspect, BeanFactory beanFactory) {
            this.aspect = aspect;
            this.beanFactory = beanFactory;
        }

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            this.aspect.checkLockedMethods(ClassUtils.getUserClass(bean));
            return bean;
        }

        @Override
        public void start() {
            this.aspect.keepMinimumHolds(this.beanFactory);
            this.running = true;
        }

        @Override
        public void stop() {
            this.running = false;
            this.aspect.releaseMinimumHolds(this.beanFactory);
        }

        @Override
        public boolean isRunning() {
            return this.running;
        }

        @Override
        public int getPhase() {
            return 0;
        }

        @Override
        public void destroy() {
            this.aspect.unconfigure(this.beanFactory);
        }

    }

}
