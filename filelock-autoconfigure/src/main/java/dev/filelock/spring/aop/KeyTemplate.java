package dev.filelock.spring.aop;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.common.LiteralExpression;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The parsed {@link dev.filelock.spring.FileLocked#path()} of one method: a constant or a
 * SpEL template. Each {@code #{...}} part must yield a non-empty value, since a missing
 * one would give every call the same key.
 */
final class KeyTemplate {

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

    /**
     * The positional variables that {@link MethodBasedEvaluationContext} defines whatever
     * the names.
     */
    private static final Pattern POSITIONAL = Pattern.compile("[ap](\\d+)");

    private final String source;

    private final String where;

    private final Method method;

    private final @Nullable String constant;

    private final List<Expression> parts;

    private final @Nullable String @Nullable [] parameterNames;

    private KeyTemplate(String source, Expression expression, Method method, String where) {
        this.source = source;
        this.where = where;
        this.method = method;
        this.constant = (expression instanceof LiteralExpression literal) ? literal.getExpressionString() : null;
        this.parts = (expression instanceof CompositeStringExpression composite) ? List.of(composite.getExpressions())
                : List.of(expression);
        this.parameterNames = PARAMETER_NAMES.getParameterNames(method);
    }

    /**
     * Parses the template of a method.
     * @param template the path template
     * @param method the method whose parameters the template names (the most specific
     * one, for parameter names)
     * @param where the method, as named in messages
     * @throws org.springframework.expression.ParseException if the template is not valid
     * SpEL
     */
    static KeyTemplate parse(String template, Method method, String where) {
        return new KeyTemplate(template, PARSER.parseExpression(template, ParserContext.TEMPLATE_EXPRESSION), method,
                where);
    }

    /** The key, when the template has no expression in it. */
    @Nullable String constant() {
        return this.constant;
    }

    /**
     * Returns why the variables the template names cannot be resolved from the method's
     * parameters (a misspelt name, a position past the last parameter, or names that were
     * not compiled in), or {@code null} if they all can.
     */
    @Nullable String unresolvedParameters() {
        Set<String> unresolved = new LinkedHashSet<>();
        boolean needsNames = false;
        for (String variable : variables()) {
            Matcher positional = POSITIONAL.matcher(variable);
            if (variable.equals("root") || variable.equals("this")) {
                continue;
            }
            if (positional.matches()) {
                if (Integer.parseInt(positional.group(1)) >= this.method.getParameterCount()) {
                    unresolved.add("#" + variable);
                }
                continue;
            }
            needsNames = true;
            if (this.parameterNames == null || !Arrays.asList(this.parameterNames).contains(variable)) {
                unresolved.add("#" + variable);
            }
        }
        if (unresolved.isEmpty()) {
            return null;
        }
        String fix = (needsNames && this.parameterNames == null)
                ? "the parameter names of the method are not available: compile with -parameters (Spring Boot's "
                        + "build plugins do), or name the arguments by position with #p0/#a0"
                : "the method has " + describeParameters() + "; name one of them, or an argument by position with "
                        + "#p0/#a0";
        return "path '" + this.source + "' names " + String.join(", ", unresolved)
                + ", which would always be null (so every call would share one lock): " + fix;
    }

    String evaluate(@Nullable Object[] args, Object target, Class<?> targetClass, @Nullable BeanFactory beanFactory) {
        if (this.constant != null) {
            return this.constant;
        }
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
                new ExpressionRoot(this.method, args, target, targetClass), this.method, args,
                new KnownNames(this.parameterNames));
        if (beanFactory != null) {
            context.setBeanResolver(new BeanFactoryResolver(beanFactory));
        }
        StringBuilder key = new StringBuilder();
        for (Expression part : this.parts) {
            if (part instanceof LiteralExpression literal) {
                key.append(literal.getExpressionString());
                continue;
            }
            String value = part.getValue(context, String.class);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("@FileLocked path '" + this.source + "' of " + this.where
                        + ": its part #{" + part.getExpressionString() + "} is " + ((value == null) ? "null" : "empty")
                        + ", so the call was refused rather than sharing one lock with every other such call: pass a "
                        + "non-empty value, or give the expression a fallback (#{" + part.getExpressionString()
                        + " ?: 'none'}) if such calls may share one lock");
            }
            key.append(value);
        }
        if (key.toString().isBlank()) {
            throw new IllegalArgumentException("@FileLocked path '" + this.source + "' evaluated to an empty key for "
                    + this.where + ": every part was blank; make the template name a file, such as 'jobs/#{#id}.lock'");
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return this.source;
    }

    private List<String> variables() {
        List<String> names = new ArrayList<>();
        for (Expression part : this.parts) {
            if (part instanceof SpelExpression spel) {
                collectVariables(spel.getAST(), names);
            }
        }
        return names;
    }

    private static void collectVariables(SpelNode node, List<String> names) {
        if (node instanceof VariableReference variable) {
            // VariableReference has no name accessor; its source form is "#name".
            names.add(variable.toStringAST().substring(1));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            collectVariables(node.getChild(i), names);
        }
    }

    private String describeParameters() {
        if (this.method.getParameterCount() == 0) {
            return "no parameters";
        }
        if (this.parameterNames == null) {
            return this.method.getParameterCount() + " parameters (names not compiled in)";
        }
        return "the parameters " + String.join(", ", this.parameterNames);
    }

    /**
     * The parameter names found once at startup, so that calls use exactly the names that
     * were checked.
     */
    private record KnownNames(@Nullable String @Nullable [] names) implements ParameterNameDiscoverer {

        @Override
        public @Nullable String @Nullable [] getParameterNames(Method method) {
            return this.names;
        }

        @Override
        public @Nullable String @Nullable [] getParameterNames(Constructor<?> ctor) {
            return null;
        }
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
