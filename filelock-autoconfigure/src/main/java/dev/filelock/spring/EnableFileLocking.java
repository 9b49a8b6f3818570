package dev.filelock.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.AdviceMode;
import org.springframework.context.annotation.Import;

/**
 * Chooses how {@link FileLocked} is applied, as {@code @EnableTransactionManagement} does
 * for {@code @Transactional}; without it, the auto-configuration applies it with a Spring
 * proxy. <pre>{@code
 * &#64;SpringBootApplication
 *

&#64;EnableFileLocking(mode = AdviceMode.ASPECTJ)
 * public class Application { ... }
 * }</pre>
 * <p>
 * {@link AdviceMode#PROXY} (the default) is the auto-configured advisor: only calls
 * through the bean's proxy are locked. {@link AdviceMode#ASPECTJ} registers no advisor
 * and configures {@code
 * dev.filelock.spring.aop.FileLockedAspect} instead, which must be woven (load time:
 * {@code
 * -javaagent:aspectjweaver.jar} and a {@code META-INF/aop.xml} naming the aspect; or
 * compile time); then every call is locked, also from another method of the same object,
 * and private and final methods too. Startup fails if the aspect, or a bean's locked
 * method, was not woven. Both modes honour {@code filelock.annotation.enabled}.
 *
 * @since 0.1
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(FileLockingModeSelector.class)
public @interface EnableFileLocking {

    /**
     * How {@link FileLocked} is applied: {@link AdviceMode#PROXY} (the default) or
     * {@link AdviceMode#ASPECTJ}, which needs {@code org.aspectj:aspectjweaver} and
     * weaving.
     * @return the advice mode
     */
    AdviceMode mode() default AdviceMode.PROXY;

}
