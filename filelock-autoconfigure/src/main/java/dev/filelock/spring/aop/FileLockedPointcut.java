package dev.filelock.spring.aop;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches {@link dev.filelock.spring.FileLocked} methods. Its class filter checks every
 * locked method of a bean class when the bean is created, so misuse fails at startup
 * rather than on the first call.
 */
final class FileLockedPointcut extends StaticMethodMatcherPointcut {

    private final LockedMethods lockedMethods;

    FileLockedPointcut(LockedMethods lockedMethods) {
        this.lockedMethods = lockedMethods;
        setClassFilter(lockedMethods::hasLockedMethods);
    }

    @Override
    public boolean matches(Method method, @Nullable Class<?> targetClass) {
        return this.lockedMethods.find(method, targetClass) != null;
    }

}
