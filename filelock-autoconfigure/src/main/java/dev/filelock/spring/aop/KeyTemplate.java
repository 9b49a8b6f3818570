package dev.filelock.spring.aop;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/** The parsed {@link dev.filelock.spring.FileLocked#path()} of one method: a constant or a SpEL template. */
final class KeyTemplate {

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    private final String source;

    private final Expression expression;

    private KeyTemplate(String source, Expression expression) {
        this.source = source;
        this.expression = expression;
    }

    /**
     * Parses a template.
     *
     * @throws org.springframework.expression.ParseException if the template is not valid SpEL
     */
    static KeyTemplate parse(String template) {
        return new KeyTemplate(template, PARSER.parseExpression(template, ParserContext.TEMPLATE_EXPRESSION));
    }

    /** The key, when the template has no expression in it. */
    @Nullable String constant() {
        return (this.expression instanceof LiteralExpression literal) ? literal.getExpressionString() : null;
    }

    String evaluate(Method method, @Nullable Object[] args, Object target, Class<?> targetClass,
            @Nullable BeanFactory beanFactory) {
        String constant = constant();
        if (constant != null) {
            return constant;
        }
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
                new ExpressionRoot(method, args, target, targetClass), method, args, PARAMETER_NAMES);
        if (beanFactory != null) {
            context.setBeanResolver(new BeanFactoryResolver(beanFactory));
        }
        String key = this.expression.getValue(context, String.class);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("@FileLocked path '" + this.source + "' evaluated to an empty key for "
                    + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()");
        }
        return key;
    }

    @Override
    public String toString() {
        return this.source;
    }

    /** The {@code #root} object of a path template. */
    static final class ExpressionRoot {

        private final Method method;

        private final @Nullable Object[] args;

        private final Object target;

        private final Class<?> targetClass;

        ExpressionRoot(Method method, @Nullable Object[] args, Object target, Class<?> targetClass) {
            this.method = method;
            this.args = args;
            this.target = target;
            this.targetClass = targetClass;
        }

        public Method getMethod() {
            return this.method;
        }

        public String getMethodName() {
            return this.method.getName();
        }

        public @Nullable Object[] getArgs() {
            return this.args;
        }

        public Object getTarget() {
            return this.target;
        }

        public Class<?> getTargetClass() {
            return this.targetClass;
        }
    }
}
