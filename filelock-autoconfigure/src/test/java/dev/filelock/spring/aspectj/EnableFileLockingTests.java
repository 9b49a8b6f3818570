package dev.filelock.spring.aspectj;

import dev.filelock.spring.EnableFileLocking;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.aop.FileLockedAdvisor;
import dev.filelock.spring.aop.FileLockedAspect;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AdviceMode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EnableFileLocking} in a JVM without the weaver: proxy mode, and what
 * AspectJ mode says when the aspect was not woven.
 * {@link FileLockedAspectLoadTimeWeavingTests} runs AspectJ mode woven.
 */
class EnableFileLockingTests {

    @TempDir
    Path directory;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory, "shared=" + this.directory);
    }

    @Test
    void withoutTheAnnotationTheProxyLocksOnlyCallsFromOutsideTheBean() {
        runner().withUserConfiguration(JobConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(FileLockedAdvisor.class).doesNotHaveBean(FileLockedAspect.class);
            SelfInvokingJob job = context.getBean(SelfInvokingJob.class);
            assertThat(job.lockedProbe()).isTrue();
            assertThat(job.selfInvokedProbeHeldItsLock()).as("a call from the same bean bypasses the proxy").isFalse();
        });
    }

    @Test
    void proxyModeIsTheAutoConfiguredAdvisor() {
        runner().withUserConfiguration(ProxyModeConfiguration.class, JobConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(FileLockedAdvisor.class).doesNotHaveBean(FileLockedAspect.class);
            SelfInvokingJob job = context.getBean(SelfInvokingJob.class);
            assertThat(job.lockedProbe()).isTrue();
            assertThat(job.selfInvokedProbeHeldItsLock()).isFalse();
        });
    }

    @Test
    void aspectjModeFailsAtStartupWhenTheAspectWasNotWoven() {
        runner().withUserConfiguration(AspectJModeConfiguration.class, JobConfiguration.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(causeOfType(context.getStartupFailure(), IllegalStateException.class))
                .hasMessageContaining("@EnableFileLocking(mode = AdviceMode.ASPECTJ) needs "
                        + FileLockedAspect.class.getName() + " woven into the application, but the aspect was not "
                        + "woven, so no @FileLocked method would be locked: start the JVM with "
                        + "-javaagent:<path to aspectjweaver.jar> and a META-INF/aop.xml");
        });
    }

    @Test
    void aspectjModeWithTheAnnotationDisabledAddsNeitherAspectNorAdvisor() {
        runner().withUserConfiguration(AspectJModeConfiguration.class)
            .withPropertyValues("filelock.annotation.enabled=false")
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(FileLockedAdvisor.class)
                .doesNotHaveBean(FileLockedAspect.class));
    }

    private static Throwable causeOfType(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return cause;
            }
        }
        throw new AssertionError("no " + type.getName() + " in the causes of " + failure, failure);
    }

    @Configuration(proxyBeanMethods = false)
    static class JobConfiguration {

        @Bean
        SelfInvokingJob selfInvokingJob(FileLockRegistry registry, @Value("${shared}") Path shared) {
            return new SelfInvokingJob(registry, shared, "test");
        }

    }

    @Configuration(proxyBeanMethods = false)
    @EnableFileLocking
    static class ProxyModeConfiguration {

    }

    @Configuration(proxyBeanMethods = false)
    @EnableFileLocking(mode = AdviceMode.ASPECTJ)
    static class AspectJModeConfiguration {

    }

}
