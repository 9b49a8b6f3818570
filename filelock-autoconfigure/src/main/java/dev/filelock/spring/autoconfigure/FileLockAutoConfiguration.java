package dev.filelock.spring.autoconfigure;

import dev.filelock.FileLock;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.aop.FileLockedAdvisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Auto-configuration for file locks: a {@link FileLockRegistry} under {@code filelock.directory} and the
 * {@link FileLocked} advisor.
 */
@AutoConfiguration
@EnableConfigurationProperties(FileLockProperties.class)
public final class FileLockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FileLockRegistry fileLockRegistry(FileLockProperties properties) {
        Path directory = properties.getDirectory();
        Function<Path, FileLock> exclusiveLocks = exclusiveLocks(properties);
        if (properties.getCacheCapacity() <= 0) {
            throw new InvalidConfigurationPropertyValueException("filelock.cache-capacity",
                    properties.getCacheCapacity(), "must be positive");
        }
        FileLockRegistry registry;
        try {
            registry = new FileLockRegistry(directory, exclusiveLocks, readWriteLocks(properties));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("filelock.directory", directory, ex.getMessage());
        }
        registry.setCacheCapacity(properties.getCacheCapacity());
        return registry;
    }

    private static Function<Path, FileLock> exclusiveLocks(FileLockProperties properties) {
        int fileMode = properties.fileModeBits();
        Duration pollInterval = properties.checkedPollInterval();
        if (properties.getType() == FileLockProperties.Type.SOFT) {
            return (path) -> {
                SoftFileLock.Builder builder = SoftFileLock.builder(path).pollInterval(pollInterval);
                return ((fileMode >= 0) ? builder.fileMode(fileMode) : builder).build();
            };
        }
        return (path) -> {
            FileLock.Builder builder = FileLock.builder(path).pollInterval(pollInterval);
            return ((fileMode >= 0) ? builder.fileMode(fileMode) : builder).build();
        };
    }

    private static Function<Path, ReadWriteFileLock> readWriteLocks(FileLockProperties properties) {
        Duration pollInterval = properties.checkedPollInterval();
        if (properties.getType() == FileLockProperties.Type.SOFT) {
            return (path) -> SoftReadWriteFileLock.builder(path).pollInterval(pollInterval).build();
        }
        return (path) -> ReadWriteFileLock.builder(path).pollInterval(pollInterval).build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "filelock.annotation.enabled", matchIfMissing = true)
    @Import(AutoProxyRegistrar.class)
    static class FileLockedConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        @ConditionalOnMissingBean
        static FileLockedAdvisor fileLockedAdvisor(ObjectProvider<LockBackend> backend,
                ObjectProvider<FileLockProperties> properties) {
            FileLockedAdvisor advisor = new FileLockedAdvisor(backend::getObject,
                    () -> properties.getObject().getDefaultTimeout());
            advisor.setOrder(properties.getObject().getAnnotation().getOrder());
            return advisor;
        }
    }

    /**
     * Makes sure an auto-proxy creator exists even with {@code spring.aop.auto=false}, as
     * {@code @EnableTransactionManagement} does; it only applies infrastructure advisors such as ours.
     */
    static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
