package dev.filelock.spring.aop;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

/**
 * Tells whether a method's executions were woven. The weaver gives every advised join
 * point that uses a join point object, as {@link FileLockedAspect}'s advice does, a
 * static {@code ajc$tjp_N} field in the woven class describing it; a class without one
 * for a method was not woven there (left out by {@code aop.xml}, loaded before the agent,
 * or not passed through {@code ajc}), so the method would run unlocked.
 */
final class WovenMethods {

    private static final String JOIN_POINT_FIELD_PREFIX = "ajc$tjp_";

    private final Map<Method, Boolean> methods = new ConcurrentHashMap<>();

    /**
     * Tells whether the weaver advised the execution of {@code method}; {@code true} if
     * that cannot be read.
     */
    boolean isWoven(Method method) {
        return this.methods.computeIfAbsent(method, WovenMethods::readWoven);
    }

    private static boolean readWoven(Method method) {
        Class<?> type = method.getDeclaringClass();
        boolean unreadable = false;
        for (Field field : type.getDeclaredFields()) {
            if (!field.getName().startsWith(JOIN_POINT_FIELD_PREFIX) || !Modifier.isStatic(field.getModifiers())
                    || !JoinPoint.StaticPart.class.isAssignableFrom(field.getType())) {
                continue;
            }
            JoinPoint.StaticPart part = staticPart(field);
            if (part == null) {
                unreadable = true;
            }
            else if (JoinPoint.METHOD_EXECUTION.equals(part.getKind())
                    && part.getSignature() instanceof MethodSignature signature
                    && signature.getName().equals(method.getName())
                    && Arrays.equals(signature.getParameterTypes(), method.getParameterTypes())) {
                return true;
            }
        }
        // A class in a module that does not open its package to us cannot be checked:
        // assume the best.
        return unreadable;
    }

    private static JoinPoint.@Nullable StaticPart staticPart(Field field) {
        try {
            field.setAccessible(true);
            return (JoinPoint.StaticPart) field.get(null);
        }
        catch (RuntimeException | IllegalAccessException ex) {
            return null;
        }
    }

}
