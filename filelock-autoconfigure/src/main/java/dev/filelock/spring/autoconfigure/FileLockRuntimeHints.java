package dev.filelock.spring.autoconfigure;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The hints filelock-core needs in a native image, beyond what its libraries bring: JNA
 * binds the core's libc calls by direct mapping, finding the {@code native} methods by
 * reflection and binding them with JNI {@code RegisterNatives}, and raises
 * {@code LastErrorException} from native code through its {@code String} constructor.
 * JNA's own classes and its dispatch library are covered by GraalVM's reachability
 * metadata for JNA, and sqlite-jdbc's native library by its own native-image feature.
 * Registered in {@code META-INF/spring/aot.factories}; {@code @FileLocked} methods get
 * theirs from the annotation ({@code @Reflective}), the properties, endpoint and health
 * from Spring Boot.
 */
final class FileLockRuntimeHints implements RuntimeHintsRegistrar {

    /**
     * The core's classes with {@code native} methods that JNA binds by direct mapping
     * ({@code Native.register}).
     */
    static final List<String> DIRECT_MAPPED_CLASSES = List.of("dev.filelock.internal.posix.Posix",
            "dev.filelock.internal.posix.StatCalls$Modern", "dev.filelock.internal.posix.StatCalls$LegacyGlibc",
            "dev.filelock.internal.posix.ThreadSignals$Libc", "dev.filelock.internal.posix.FileTouch$Libc",
            "dev.filelock.internal.posix.JnaCalls$Libc");

    static final TypeReference LAST_ERROR_EXCEPTION = TypeReference.of("com.sun.jna.LastErrorException");

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        for (String name : DIRECT_MAPPED_CLASSES) {
            TypeReference type = TypeReference.of(name);
            // The core's internal packages make some natives public (used across them):
            // both categories are needed.
            hints.reflection()
                .registerType(type, MemberCategory.INVOKE_DECLARED_METHODS, MemberCategory.INVOKE_PUBLIC_METHODS);
            hints.jni().registerType(type, MemberCategory.INVOKE_DECLARED_METHODS);
        }
        hints.jni()
            .registerType(LAST_ERROR_EXCEPTION,
                    (type) -> type.withConstructor(List.of(TypeReference.of(String.class)), ExecutableMode.INVOKE));
    }

}
