package dev.filelock.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.util.ReflectionUtils;

/**
 * The reflection a {@link FileLocked} method needs in a native image: the AOP proxy
 * invokes the method reflectively there (the hint {@code @Transactional} gets too), and
 * the path's SpEL ({@code #{#name.value()}}) calls public methods and reads public fields
 * of the method's parameters. Every parameter type is registered, whatever the path: a
 * {@code ${...}} placeholder in it may resolve to SpEL at run time. Types reached from a
 * parameter (collection elements, a property's own type) and beans named with
 * {@code @bean} need hints of the application's own.
 */
class FileLockedReflectiveProcessor extends SimpleReflectiveProcessor {

    @Override
    protected void registerTypeHint(ReflectionHints hints, Class<?> type) {
        super.registerTypeHint(hints, type);
        // On a type, the annotation covers the public methods that LockedMethods
        // intercepts.
        hints.registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
        for (Method method : type.getMethods()) {
            if (!Modifier.isStatic(method.getModifiers()) && !ReflectionUtils.isObjectMethod(method)) {
                registerParameterTypes(hints, method);
            }
        }
    }

    @Override
    protected void registerMethodHint(ReflectionHints hints, Method method) {
        super.registerMethodHint(hints, method);
        registerParameterTypes(hints, method);
    }

    private static void registerParameterTypes(ReflectionHints hints, Method method) {
        for (Class<?> type : method.getParameterTypes()) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!element.isPrimitive()) {
                hints.registerType(element, MemberCategory.INVOKE_PUBLIC_METHODS, MemberCategory.ACCESS_PUBLIC_FIELDS);
            }
        }
    }

}
