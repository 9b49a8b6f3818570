package dev.filelock.spring.autoconfigure;

import dev.filelock.NativeReadWriteFileLock;
import dev.filelock.ReadWriteFileLock;
import dev.filelock.SoftFileLock;
import dev.filelock.SoftReadWriteFileLock;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.LockRegistryBackend;
import dev.filelock.spring.LockRegistryBackend.LeaseKeeper;
import dev.filelock.spring.aop.FileLockedAdvisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * Auto-configuration for file locks: a {@link FileLockRegistry} under
 * {@code filelock.directory} and the {@link FileLocked} advisor; with
 * {@code filelock.backend} naming a Spring Integration {@link LockRegistry} bean, the
 * advisor locks through that registry instead ({@code jdbc} is
 * {@link FileLockJdbcAutoConfiguration}).
 *
 * @since 0.1
 */
@AutoConfiguration
@EnableConfigurationProperties(FileLockProperties.class)
public final class FileLockAutoConfiguration {

    private static final Log logger = LogFactory.getLog(FileLockAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "filelock.backend", havingValue = "file", matchIfMissing = true)
    FileLockRegistry fileLockRegistry(FileLockProperties properties) {
        Path directory = properties.getDirectory();
        if (properties.getCacheCapacity() <= 0) {
            throw new InvalidConfigurationPropertyValueException("filelock.cache-capacity",
                    properties.getCacheCapacity(), "must be positive");
        }
        FileLockRegistry registry;
        try {
            registry = newRegistry(directory, properties);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("filelock.directory", directory, ex.getMessage());
        }
        registry.setCacheCapacity(properties.getCacheCapacity());
        warnIfNotWritable(registry.directory());
        return registry;
    }

    /**
     * A directory that exists but cannot be written starts (locks of other processes may
     * still be read there, and health says DOWN), but every lock would fail at its first
     * use: say so once, at startup, rather than then.
     */
    static void warnIfNotWritable(Path directory) {
        if (!Files.isWritable(directory)) {
            logger.warn("The lock directory '" + directory + "' (filelock.directory) is not writable by this process "
                    + "(read-only file system or missing permission): locks cannot be created there, and every lock "
                    + "will fail until it is; the health indicator reports DOWN");
        }
    }

    /**
     * Creates the backend of {@code @FileLocked} methods over a registry other than
     * files.
     */
    static LockRegistryBackend registryBackend(String name, LockRegistry<?> registry, FileLockProperties properties,
            LeaseKeeper leases) {
        boolean readAsExclusive = properties.getReadModeFallback() == FileLockProperties.ReadModeFallback.EXCLUSIVE;
        try {
            return new LockRegistryBackend(name, registry, properties.getDirectory(), readAsExclusive, leases);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidConfigurationPropertyValueException("filelock.directory", properties.getDirectory(),
                    ex.getMessage());
        }
    }

    /**
     * Returns the backend of {@code @FileLocked} methods, explaining a missing one by
     * {@code filelock.backend}.
     */
    static LockBackend lockBackend(ObjectProvider<LockBackend> backends, FileLockProperties properties) {
        try {
            return backends.getObject();
        }
        catch (NoUniqueBeanDefinitionException ex) {
            throw ex;
        }
        catch (NoSuchBeanDefinitionException ex) {
            throw new InvalidConfigurationPropertyValueException("filelock.backend", properties.getBackend(),
                    "no lock backend for @FileLocked methods: 'jdbc' needs spring-integration-jdbc, spring-boot-jdbc "
                            + "and a single DataSource bean; other values must name a LockRegistry bean");
        }
    }

    /**
     * Builds the registry of {@code filelock.type}: one protocol for every path and both
     * modes.
     */
    private static FileLockRegistry newRegistry(Path directory, FileLockProperties properties) {
        int fileMode = properties.fileModeBits();
        Duration pollInterval = properties.checkedPollInterval();
        if (fileMode >= 0 && !properties.getType().hasFileMode()) {
            // Silently creating lock files with other permissions than configured would
            // be worse than refusing.
            throw new InvalidConfigurationPropertyValueException("filelock.file-mode", properties.getFileMode(),
                    "is supported with filelock.type=native and soft only: the read/write locks of filelock.type="
                            + properties.getType().name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + " create their files with 0666 filtered by the process's umask; set the umask "
                            + "instead, or remove filelock.file-mode");
        }
        return switch (properties.getType()) {
            case NATIVE -> new FileLockRegistry(directory, (path) -> {
                NativeReadWriteFileLock.Builder builder = NativeReadWriteFileLock.builder(path)
                    .pollInterval(pollInterval);
                return ((fileMode >= 0) ? builder.fileMode(fileMode) : builder).build();
            });
            case SQLITE -> new FileLockRegistry(directory,
                    (path) -> ReadWriteFileLock.builder(path).pollInterval(pollInterval).build());
            case SOFT_READ_WRITE -> new FileLockRegistry(directory,
                    (path) -> SoftReadWriteFileLock.builder(path).pollInterval(pollInterval).build());
            case SOFT -> {
                Duration lifetime = properties.getSoft().checkedLifetime();
                boolean readsAsExclusive = properties
                    .getReadModeFallback() == FileLockProperties.ReadModeFallback.EXCLUSIVE;
                yield new FileLockRegistry(directory, (path) -> {
                    SoftFileLock.Builder builder = SoftFileLock.builder(path)
                        .pollInterval(pollInterval)
                        .lifetime(lifetime);
                    return ((fileMode >= 0) ? builder.fileMode(fileMode) : builder).build();
                }, readsAsExclusive);
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "filelock.annotation.enabled", matchIfMissing = true)
    @ConditionalOnMissingBean(name = AspectJFileLockingConfiguration.ASPECT_BEAN_NAME)
    @Import(AutoProxyRegistrar.class)
    static class FileLockedConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        @ConditionalOnMissingBean
        static FileLockedAdvisor fileLockedAdvisor(ObjectProvider<LockBackend> backend,
                ObjectProvider<FileLockProperties> properties, Environment environment) {
            FileLockedAdvisor advisor = new FileLockedAdvisor(() -> lockBackend(backend, properties.getObject()),
                    () -> properties.getObject().getDefaultTimeout());
            // Bound from the Environment: the advisor is created while post-processors
            // are registered, and creating
            // the properties bean then would leave it unprocessed
            // (BeanPostProcessorChecker's warning).
            advisor.setOrder(Binder.get(environment)
                .bind("filelock.annotation.order", Integer.class)
                .orElse(new FileLockProperties.Annotation().getOrder()));
            return advisor;
        }

    }

    /** {@code filelock.backend} naming a Spring Integration {@link LockRegistry} bean. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnRegistryBeanBackendCondition.class)
    static class RegistryBeanBackendConfiguration {

        @Bean
        @ConditionalOnMissingBean(LockBackend.class)
        LockRegistryBackend fileLockedBackend(BeanFactory beanFactory, FileLockProperties properties) {
            String name = properties.getBackend();
            LockRegistry<?> registry;
            try {
                registry = beanFactory.getBean(name, LockRegistry.class);
            }
            catch (BeansException ex) {
                throw new InvalidConfigurationPropertyValueException("filelock.backend", name,
                        "must be 'file', 'jdbc' or the name of a Spring Integration LockRegistry bean ("
                                + ex.getMessage() + ")");
            }
            return registryBackend(name, registry, properties, LeaseKeeper.NONE);
        }

    }

    /** Matches when {@code filelock.backend} is neither {@code file} nor {@code jdbc}. */
    static class OnRegistryBeanBackendCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String backend = context.getEnvironment().getProperty("filelock.backend", "file").trim();
            ConditionMessage.Builder message = ConditionMessage.forCondition("filelock.backend naming a LockRegistry");
            if (backend.equalsIgnoreCase("file") || backend.equalsIgnoreCase("jdbc")) {
                return ConditionOutcome.noMatch(message.because("filelock.backend is '" + backend + "'"));
            }
            return ConditionOutcome.match(message.because("filelock.backend is '" + backend + "'"));
        }

    }

    /**
     * Makes sure an auto-proxy creator exists even with {@code spring.aop.auto=false}, as
     * {@code @EnableTransactionManagement} does; it only applies infrastructure advisors
     * such as ours.
     */
    static class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }

    }

}
