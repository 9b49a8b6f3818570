package dev.filelock.spring.aop;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

/**
 * A woven method execution seen as an AOP Alliance {@link MethodInvocation}, so that
 * {@link FileLockedAspect} runs the very interceptor that proxy mode uses.
 * {@link #proceed()} may be called again, and after the advice has returned (a
 * {@code Mono} subscribed later runs the method once per subscription), since AspectJ's
 * join point keeps its closure.
 */
final class JoinPointInvocation implements MethodInvocation {

    private final ProceedingJoinPoint joinPoint;

    JoinPointInvocation(ProceedingJoinPoint joinPoint) {
        this.joinPoint = joinPoint;
    }

    @Override
    public Method getMethod() {
        return ((MethodSignature) this.joinPoint.getSignature()).getMethod();
    }

    @Override
    public @Nullable Object[] getArguments() {
        return this.joinPoint.getArgs();
    }

    @Override
    public @Nullable Object proceed() throws Throwable {
        return this.joinPoint.proceed();
    }

    @Override
    public @Nullable Object getThis() {
        return this.joinPoint.getThis();
    }

    @Override
    public AccessibleObject getStaticPart() {
        return getMethod();
    }

}
