package dev.filelock.spring.autoconfigure;

import dev.filelock.FileLock;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeHint;
import org.springframework.aot.hint.TypeReference;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;

/**
 * Tests the native-image hints of filelock-core's JNA bindings and their registration for
 * AOT processing.
 */
class FileLockRuntimeHintsTests {

    private final RuntimeHints hints = new RuntimeHints();

    @Test
    void isRegisteredForAheadOfTimeProcessing() {
        assertThat(AotServices.factories(getClass().getClassLoader()).load(RuntimeHintsRegistrar.class))
            .hasAtLeastOneElementOfType(FileLockRuntimeHints.class);
    }

    /**
     * A class added to the core with JNA direct mapping and left out of the hints would
     * fail only in a native image.
     */
    @Test
    void namesExactlyTheCoreClassesThatDeclareNativeMethods() throws Exception {
        assertThat(new TreeSet<>(FileLockRuntimeHints.DIRECT_MAPPED_CLASSES)).isEqualTo(coreClassesWithNativeMethods());
    }

    @Test
    void directMappedClassesAreReflectivelyInvocableForJnaAndAccessibleThroughJni() throws Exception {
        new FileLockRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
        for (String name : FileLockRuntimeHints.DIRECT_MAPPED_CLASSES) {
            Class<?> type = Class.forName(name, false, getClass().getClassLoader());
            assertThat(reflection().onType(type).withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).as(name)
                .accepts(this.hints);
            for (Method method : nativeMethods(type)) {
                assertThat(reflection().onMethodInvocation(method)).as(method.toString()).accepts(this.hints);
            }
            TypeHint jni = this.hints.jni().getTypeHint(type);
            assertThat(jni).as(name).isNotNull();
            assertThat(jni.getMemberCategories()).as(name).contains(MemberCategory.INVOKE_DECLARED_METHODS);
        }
    }

    @Test
    void lastErrorExceptionIsConstructibleFromNativeCode() {
        new FileLockRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
        TypeHint jni = this.hints.jni().getTypeHint(TypeReference.of(com.sun.jna.LastErrorException.class));
        assertThat(jni).isNotNull();
        assertThat(jni.constructors()).anySatisfy((constructor) -> {
            assertThat(constructor.getParameterTypes()).containsExactly(TypeReference.of(String.class));
            assertThat(constructor.getMode()).isEqualTo(ExecutableMode.INVOKE);
        });
    }

    /**
     * The classes of filelock-core (not of its test jar) that declare a {@code native}
     * method, loaded uninitialized.
     */
    private Set<String> coreClassesWithNativeMethods() throws IOException, ClassNotFoundException {
        String core = FileLock.class.getProtectionDomain().getCodeSource().getLocation().toString();
        MetadataReaderFactory readers = new SimpleMetadataReaderFactory();
        Set<String> names = new TreeSet<>();
        for (Resource resource : new PathMatchingResourcePatternResolver()
            .getResources("classpath*:dev/filelock/**/*.class")) {
            if (!resource.getURL().toString().contains(core)) {
                continue;
            }
            String name = readers.getMetadataReader(resource).getClassMetadata().getClassName();
            if (!nativeMethods(Class.forName(name, false, getClass().getClassLoader())).isEmpty()) {
                names.add(name);
            }
        }
        assertThat(names).as("classes with native methods in %s", core).isNotEmpty();
        return names;
    }

    private static List<Method> nativeMethods(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
            .filter((method) -> Modifier.isNative(method.getModifiers()))
            .toList();
    }

}
