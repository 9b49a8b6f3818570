package dev.filelock.spring;

import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.filelock.internal.ArchitectureRuleFixture;
import dev.filelock.spring.autoconfigure.FileLockProperties;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.stereotype.Component;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules Spring Boot's own build applies to auto-configurations (its
 * {@code ArchitectureRules} is not published), those that apply here, plus the module's
 * layering: each is checked against the module's main classes, and shown to catch a
 * deliberate violation among the fixtures at the end of this class.
 */
class SpringModuleArchitectureTests {

    /**
     * This module's main classes (its output directory or jar), not those of the whole
     * class path.
     */
    private static final JavaClasses MAIN = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importUrl(FileLockRegistry.class.getProtectionDomain().getCodeSource().getLocation());

    /**
     * The auto-configurations this module lists in
     * {@code META-INF/spring/...AutoConfiguration.imports}.
     */
    private static final Set<String> LISTED = ImportCandidates
        .load(AutoConfiguration.class, SpringModuleArchitectureTests.class.getClassLoader())
        .getCandidates()
        .stream()
        .filter((name) -> name.startsWith("dev.filelock."))
        .collect(Collectors.toSet());

    static final ArchRule AUTO_CONFIGURATIONS_ARE_PUBLIC_AND_FINAL = classes().that()
        .areAnnotatedWith(AutoConfiguration.class)
        .should()
        .bePublic()
        .andShould()
        .haveModifier(JavaModifier.FINAL);

    static final ArchRule AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_METHODS = noMethods().that()
        .areDeclaredInClassesThat()
        .areAnnotatedWith(AutoConfiguration.class)
        .should()
        .bePublic();

    static final ArchRule AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_FIELDS = noFields().that()
        .areDeclaredInClassesThat()
        .areAnnotatedWith(AutoConfiguration.class)
        .should()
        .bePublic();

    static final ArchRule BEAN_METHODS_ARE_PACKAGE_PRIVATE = methods().that()
        .areAnnotatedWith(Bean.class)
        .should()
        .notBePublic()
        .andShould()
        .notBePrivate()
        .andShould()
        .notBeProtected();

    static final ArchRule POST_PROCESSOR_BEAN_METHODS_ARE_STATIC = methods().that()
        .areAnnotatedWith(Bean.class)
        .and()
        .haveRawReturnType(assignableTo(BeanPostProcessor.class).or(assignableTo(BeanFactoryPostProcessor.class)))
        .should()
        .beStatic()
        .because("a post-processor's bean method must not instantiate its configuration class early");

    static final ArchRule BEAN_METHODS_ARE_NOT_CONDITIONAL_ON_CLASS = noMethods().that()
        .areAnnotatedWith(Bean.class)
        .should()
        .beAnnotatedWith(ConditionalOnClass.class)
        .because("the class of a method's signature is loaded with its configuration class: put the condition on a "
                + "nested configuration");

    static final ArchRule NO_FIELD_INJECTION = noFields().should()
        .beAnnotatedWith(Autowired.class)
        .because("dependencies are constructor or bean-method parameters");

    static final ArchRule CONFIGURATION_PROPERTIES_ARE_NOT_COMPONENTS = classes().that()
        .areAnnotatedWith(ConfigurationProperties.class)
        .should()
        .notBeMetaAnnotatedWith(Component.class)
        .because("@EnableConfigurationProperties registers them, so that they are not scanned twice");

    static final ArchRule CONFIGURATION_PROPERTIES_ARE_ENABLED = classes().that()
        .areAnnotatedWith(ConfigurationProperties.class)
        .should(beEnabledByEnableConfigurationProperties());

    static final ArchRule CONFIGURATION_PROPERTIES_NAME_THEIR_PREFIX_AS_VALUE = classes().that()
        .areAnnotatedWith(ConfigurationProperties.class)
        .should(notSetOnlyThePrefixAttribute());

    static final ArchRule CONDITIONS_ARE_NOT_PUBLIC = classes().that()
        .areAssignableTo(Condition.class)
        .should()
        .notBePublic()
        .because("only the @ConditionalOn... annotations are API");

    static final ArchRule CASE_CONVERSIONS_NAME_THEIR_LOCALE = noClasses().should()
        .callMethod(String.class, "toLowerCase")
        .orShould()
        .callMethod(String.class, "toUpperCase")
        .because("the default locale turns 'I' into a dotless 'ı' in Turkish: pass Locale.ROOT");

    static final ArchRule NOTHING_IMPORTS_CORE_INTERNALS = noClasses().should()
        .dependOnClassesThat()
        .resideInAPackage("dev.filelock.internal..")
        .because("only filelock-core's exported packages are API");

    static final ArchRule THE_API_PACKAGE_DOES_NOT_DEPEND_ON_ITS_WIRING = noClasses().that()
        .resideInAPackage("dev.filelock.spring")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.filelock.spring.autoconfigure..", "dev.filelock.spring.actuate..")
        .because("dev.filelock.spring is usable without Boot's auto-configuration and actuator");

    static ArchRule autoConfigurationsAreListed(Set<String> listed) {
        return classes().that()
            .areAnnotatedWith(AutoConfiguration.class)
            .should(describeAs("be listed in META-INF/spring/" + AutoConfiguration.class.getName() + ".imports",
                    (javaClass) -> listed.contains(javaClass.getName())));
    }

    static ArchRule listedClassesAreAutoConfigurations(Set<String> listed) {
        return classes()
            .that(describe("are listed in AutoConfiguration.imports",
                    (JavaClass javaClass) -> listed.contains(javaClass.getName())))
            .should()
            .beAnnotatedWith(AutoConfiguration.class)
            .allowEmptyShould(true);
    }

    private static final JavaClasses FIXTURES = new ClassFileImporter().importClasses(NotFinalAutoConfiguration.class,
            PublicMembersAutoConfiguration.class, PlainConfiguration.class, PublicBeanMethodConfiguration.class,
            ComponentProperties.class, EnabledProperties.class, EnablingConfiguration.class, PublicCondition.class,
            InternalsUser.class, ArchitectureRuleFixture.class);

    @Test
    void theModulesMainClassesFollowEveryRule() {
        assertThat(LISTED).as("auto-configurations found in AutoConfiguration.imports").isNotEmpty();
        assertThat(MAIN.contain(FileLockRegistry.class)).isTrue();
        for (ArchRule rule : Arrays.asList(AUTO_CONFIGURATIONS_ARE_PUBLIC_AND_FINAL,
                AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_METHODS, AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_FIELDS,
                autoConfigurationsAreListed(LISTED), listedClassesAreAutoConfigurations(LISTED),
                BEAN_METHODS_ARE_PACKAGE_PRIVATE, POST_PROCESSOR_BEAN_METHODS_ARE_STATIC,
                BEAN_METHODS_ARE_NOT_CONDITIONAL_ON_CLASS, NO_FIELD_INJECTION,
                CONFIGURATION_PROPERTIES_ARE_NOT_COMPONENTS, CONFIGURATION_PROPERTIES_ARE_ENABLED,
                CONFIGURATION_PROPERTIES_NAME_THEIR_PREFIX_AS_VALUE, CONDITIONS_ARE_NOT_PUBLIC,
                CASE_CONVERSIONS_NAME_THEIR_LOCALE, NOTHING_IMPORTS_CORE_INTERNALS,
                THE_API_PACKAGE_DOES_NOT_DEPEND_ON_ITS_WIRING)) {
            rule.check(MAIN);
        }
    }

    @Test
    void everyListedAutoConfigurationIsInTheModule() {
        Set<String> inModule = MAIN.stream().map(JavaClass::getName).collect(Collectors.toSet());
        assertThat(inModule).containsAll(LISTED);
    }

    @Test
    void anAutoConfigurationThatIsNotFinalIsCaught() {
        assertViolatedBy(AUTO_CONFIGURATIONS_ARE_PUBLIC_AND_FINAL, NotFinalAutoConfiguration.class);
    }

    @Test
    void anAutoConfigurationWithAPublicMethodOrFieldIsCaught() {
        assertViolatedBy(AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_METHODS, PublicMembersAutoConfiguration.class);
        assertViolatedBy(AUTO_CONFIGURATIONS_HAVE_NO_PUBLIC_FIELDS, PublicMembersAutoConfiguration.class);
    }

    @Test
    void anUnlistedAutoConfigurationAndAListedPlainClassAreCaught() {
        assertViolatedBy(autoConfigurationsAreListed(LISTED), NotFinalAutoConfiguration.class);
        assertViolatedBy(listedClassesAreAutoConfigurations(Set.of(PlainConfiguration.class.getName())),
                PlainConfiguration.class);
        ArchRule listed = autoConfigurationsAreListed(Set.of(PublicMembersAutoConfiguration.class.getName()));
        assertThat(listed.evaluate(FIXTURES).getFailureReport().getDetails())
            .noneSatisfy((detail) -> assertThat(detail).contains(PublicMembersAutoConfiguration.class.getName() + " "));
    }

    @Test
    void publicOrPrivateBeanMethodsAreCaught() {
        assertViolatedBy(BEAN_METHODS_ARE_PACKAGE_PRIVATE, PublicBeanMethodConfiguration.class);
    }

    @Test
    void anInstanceBeanMethodOfAPostProcessorIsCaught() {
        assertViolatedBy(POST_PROCESSOR_BEAN_METHODS_ARE_STATIC, PlainConfiguration.class);
    }

    @Test
    void aBeanMethodConditionalOnClassIsCaught() {
        assertViolatedBy(BEAN_METHODS_ARE_NOT_CONDITIONAL_ON_CLASS, PlainConfiguration.class);
    }

    @Test
    void anAutowiredFieldIsCaught() {
        assertViolatedBy(NO_FIELD_INJECTION, PlainConfiguration.class);
    }

    @Test
    void configurationPropertiesThatAreComponentsOrNeverEnabledOrNamedByPrefixAreCaught() {
        assertViolatedBy(CONFIGURATION_PROPERTIES_ARE_NOT_COMPONENTS, ComponentProperties.class);
        assertViolatedBy(CONFIGURATION_PROPERTIES_ARE_ENABLED, ComponentProperties.class);
        assertViolatedBy(CONFIGURATION_PROPERTIES_NAME_THEIR_PREFIX_AS_VALUE, ComponentProperties.class);
    }

    @Test
    void enabledConfigurationPropertiesPassTheRules() {
        for (ArchRule rule : Arrays.asList(CONFIGURATION_PROPERTIES_ARE_NOT_COMPONENTS,
                CONFIGURATION_PROPERTIES_ARE_ENABLED, CONFIGURATION_PROPERTIES_NAME_THEIR_PREFIX_AS_VALUE)) {
            assertThat(rule.evaluate(FIXTURES).getFailureReport().getDetails())
                .noneSatisfy((detail) -> assertThat(detail).contains(EnabledProperties.class.getName() + " "));
        }
    }

    @Test
    void aPublicConditionIsCaught() {
        assertViolatedBy(CONDITIONS_ARE_NOT_PUBLIC, PublicCondition.class);
    }

    @Test
    void aCaseConversionWithTheDefaultLocaleIsCaught() {
        assertViolatedBy(CASE_CONVERSIONS_NAME_THEIR_LOCALE, PublicCondition.class);
    }

    @Test
    void aClassUsingCoreInternalsIsCaught() {
        assertViolatedBy(NOTHING_IMPORTS_CORE_INTERNALS, InternalsUser.class);
    }

    @Test
    void theApiPackageDependingOnItsAutoConfigurationIsCaught() {
        assertViolatedBy(THE_API_PACKAGE_DOES_NOT_DEPEND_ON_ITS_WIRING, InternalsUser.class);
    }

    /**
     * Checks that the rule reports the culprit among the fixtures (imported once: an
     * import takes seconds).
     */
    private static void assertViolatedBy(ArchRule rule, Class<?> culprit) {
        assertThat(rule.evaluate(FIXTURES).getFailureReport().getDetails())
            .as("violations of '%s'", rule.getDescription())
            .anySatisfy((detail) -> assertThat(detail).contains(culprit.getName()));
    }

    private static ArchCondition<JavaClass> describeAs(String description, Predicate<JavaClass> test) {
        return new ArchCondition<>(description) {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                events.add(new SimpleConditionEvent(javaClass, test.test(javaClass),
                        javaClass.getName() + (test.test(javaClass) ? " does " : " does not ") + description));
            }
        };
    }

    /**
     * Named by the value of an {@code @EnableConfigurationProperties} of a class among
     * those checked.
     */
    private static ArchCondition<JavaClass> beEnabledByEnableConfigurationProperties() {
        return describeAs("be enabled by an @EnableConfigurationProperties",
                (properties) -> properties.getDirectDependenciesToSelf().stream().anyMatch((dependency) -> {
                    JavaClass origin = dependency.getOriginClass();
                    if (!origin.isAnnotatedWith(EnableConfigurationProperties.class)) {
                        return false;
                    }
                    JavaAnnotation<JavaClass> enable = origin
                        .getAnnotationOfType(EnableConfigurationProperties.class.getName());
                    return Arrays.asList((JavaClass[]) enable.get("value").orElse(new JavaClass[0]))
                        .contains(properties);
                }));
    }

    /**
     * Boot writes {@code @ConfigurationProperties("filelock")}, never
     * {@code (prefix = "filelock")}.
     */
    private static ArchCondition<JavaClass> notSetOnlyThePrefixAttribute() {
        return describeAs("name the prefix as the annotation's value, not as its prefix attribute",
                (properties) -> properties.getAnnotationOfType(ConfigurationProperties.class.getName())
                    .get("prefix")
                    .map(String.class::cast)
                    .orElse("")
                    .isEmpty());
    }

    // The deliberate violations.

    @AutoConfiguration
    public static class NotFinalAutoConfiguration {

    }

    @AutoConfiguration
    public static final class PublicMembersAutoConfiguration {

        public static final String NAME = "public";

        public String name() {
            return NAME;
        }

    }

    static class PlainConfiguration {

        @Autowired
        Object injected;

        @Bean
        BeanPostProcessor postProcessor() {
            return new BeanPostProcessor() {
            };
        }

        @Bean
        @ConditionalOnClass(Object.class)
        static Object conditional() {
            return new Object();
        }

    }

    static class PublicBeanMethodConfiguration {

        @Bean
        public Object publicBean() {
            return new Object();
        }

    }

    @Component
    @ConfigurationProperties(prefix = "fixture")
    static class ComponentProperties {

    }

    @ConfigurationProperties("fixture.enabled")
    static class EnabledProperties {

    }

    @EnableConfigurationProperties(EnabledProperties.class)
    static class EnablingConfiguration {

    }

    public static class PublicCondition implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return "TRUE".toLowerCase().equals(String.valueOf(Locale.ROOT).toUpperCase(Locale.ROOT));
        }

    }

    static class InternalsUser {

        FileLockProperties properties() {
            ArchitectureRuleFixture.use();
            return new FileLockProperties();
        }

    }

}
