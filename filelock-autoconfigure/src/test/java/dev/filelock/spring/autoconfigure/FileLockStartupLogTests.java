package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.aop.FileLockedAdvisor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the {@link FileLockedAdvisor}, created while bean post-processors are still
 * being registered (as actuator's are), reads its order without creating
 * {@link FileLockProperties} too early.
 */
@ExtendWith(OutputCaptureExtension.class)
class FileLockStartupLogTests {

    @TempDir
    Path directory;

    @Test
    void advisorDoesNotCreateThePropertiesBeforeThePostProcessorsAndKeepsTheConfiguredOrder(CapturedOutput output) {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withUserConfiguration(LatePostProcessorConfiguration.class)
            .withPropertyValues("filelock.directory=" + this.directory, "filelock.annotation.order=7")
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(FileLockedAdvisor.class).getOrder()).isEqualTo(7);
                assertThat(context.getBean(FileLockProperties.class).getAnnotation().getOrder()).isEqualTo(7);
            });
        assertThat(output.getAll()
            .lines()
            .filter((line) -> line.contains("not eligible for getting processed"))
            .filter((line) -> line.toLowerCase().contains("filelock"))).isEmpty();
    }

    @Test
    void actuatorMetricsAndObservationLogNothingAboutFilelockBeans(CapturedOutput output) {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class,
                    FileLockHealthContributorAutoConfiguration.class, FileLockMetricsAutoConfiguration.class,
                    ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory)
            .run((context) -> assertThat(context).hasNotFailed().hasSingleBean(FileLockedAdvisor.class));
        assertThat(output.getAll()
            .lines()
            .filter((line) -> line.contains("not eligible for getting processed"))
            .filter((line) -> line.toLowerCase().contains("filelock"))).isEmpty();
    }

    @Test
    void advisorOrderDefaultsBeforeTheTransactionAdvisorWithoutTheProperty() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withUserConfiguration(LatePostProcessorConfiguration.class)
            .withPropertyValues("filelock.directory=" + this.directory)
            .run((context) -> assertThat(context.getBean(FileLockedAdvisor.class).getOrder())
                .isEqualTo(new FileLockProperties().getAnnotation().getOrder()));
    }

    /**
     * A post-processor registered after the auto-proxy creator, which then looks up the
     * advisors to apply to it.
     */
    @Configuration(proxyBeanMethods = false)
    static class LatePostProcessorConfiguration {

        @Bean
        static BeanPostProcessor latePostProcessor() {
            return new BeanPostProcessor() {
            };
        }

    }

}
