package dev.filelock.spring.aop;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.FileLocked.OnTimeout;
import dev.filelock.spring.LockBackend;
import dev.filelock.spring.aop.LockedMethod.ReturnStyle;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.ParseException;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link FileLocked} methods of a class and checks their settings once, at
 * startup: every problem is reported as an {@link IllegalStateException} naming the
 * method, before the first call.
 */
final class LockedMethods {

    private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
            LockedMethods.class.getClassLoader());

    private static final @Nullable Class<?> PUBLISHER = loadOptional("org.reactivestreams.Publisher");

    /**
     * Far beyond any schedule, and far below the nanosecond clock's range, which measures
     * what is left.
     */
    private static final Duration MAX_HOLD_AT_LEAST = Duration.ofDays(365);

    private final Supplier<LockBackend> backend;

    private final Supplier<Duration> defaultTimeout;

    private final UnaryOperator<String> placeholders;

    private final boolean woven;

    private final Map<MethodClassKey, Optional<LockedMethod>> methods = new ConcurrentHashMap<>();

    private final Map<Class<?>, Boolean> classes = new ConcurrentHashMap<>();

    LockedMethods(Supplier<LockBackend> backend, Supplier<Duration> defaultTimeout,
            UnaryOperator<String> placeholders) {
        this(backend, defaultTimeout, placeholders, false);
    }

    /**
     * With {@code woven}, an AspectJ aspect applies the methods, and it intercepts
     * private and final ones too.
     */
    LockedMethods(Supplier<LockBackend> backend, Supplier<Duration> defaultTimeout, UnaryOperator<String> placeholders,
            boolean woven) {
        this.backend = backend;
        this.defaultTimeout = defaultTimeout;
        this.placeholders = placeholders;
        this.woven = woven;
    }

    /** Checks every method of the class and tells whether any of them is locked. */
    boolean hasLockedMethods(Class<?> targetClass) {
        if (!AnnotationUtils.isCandidateClass(targetClass, FileLocked.class)) {
            return false;
        }
        // No computeIfAbsent: checking a method may create the lock backend bean, whose
        // own class is then checked.
        Boolean known = this.classes.get(targetClass);
        if (known != null) {
            return known;
        }
        boolean found = false;
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass,
                ReflectionUtils.USER_DECLARED_METHODS)) {
            found |= find(method, targetClass) != null;
        }
        this.classes.put(targetClass, found);
        return found;
    }

    /** Returns the checked settings of a method, or {@code null} if it is not locked. */
    @Nullable LockedMethod find(Method method, @Nullable Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return null;
        }
        MethodClassKey key = new MethodClassKey(method, targetClass);
        Optional<LockedMethod> known = this.methods.get(key);
        if (known == null) {
            known = Optional.ofNullable(parse(method, targetClass));
            this.methods.put(key, known);
        }
        return known.orElse(null);
    }

    private @Nullable LockedMethod parse(Method method, @Nullable Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        FileLocked annotation = annotationOf(specific, method, targetClass);
        if (annotation == null) {
            return null;
        }
        String where = ClassUtils.getQualifiedMethodName(specific, targetClass) + "()";
        int modifiers = specific.getModifiers();
        if (Modifier.isStatic(modifiers)) {
            throw invalid(where, "a static method belongs to no bean, so it would run without its lock: make it an "
                    + "instance method of a bean");
        }
        if (!this.woven && (Modifier.isPrivate(modifiers) || Modifier.isFinal(modifiers))) {
            throw invalid(where, "a " + (Modifier.isPrivate(modifiers) ? "private" : "final")
                    + " method cannot be intercepted by a Spring proxy, so it would run without its lock: make it "
                    + "public and not final, or weave it with @EnableFileLocking(mode = AdviceMode.ASPECTJ)");
        }
        return new LockedMethod(keyTemplate(annotation, specific, where), timeout(annotation, where),
                mode(annotation, where), annotation.onTimeout(),
                returnStyle(specific.getReturnType(), annotation, where), holdAtLeast(annotation, where));
    }

    private Duration holdAtLeast(FileLocked annotation, String where) {
        String text = this.placeholders.apply(annotation.holdAtLeast()).trim();
        if (text.isEmpty()) {
            return Duration.ZERO;
        }
        Duration minimum;
        try {
            minimum = DurationStyle.detectAndParse(text);
        }
        catch (IllegalArgumentException ex) {
            throw invalid(where,
                    "holdAtLeast '" + text + "' is not a duration (use e.g. \"30s\", \"900ms\" or " + "\"PT30S\")");
        }
        if (minimum.isNegative()) {
            throw invalid(where, "holdAtLeast '" + text + "' is negative (use a positive duration, or leave it empty "
                    + "for no minimum hold)");
        }
        if (minimum.compareTo(MAX_HOLD_AT_LEAST) > 0) {
            throw invalid(where, "holdAtLeast '" + text + "' is longer than " + MAX_HOLD_AT_LEAST.toDays() + " days");
        }
        return minimum;
    }

    private static @Nullable FileLocked annotationOf(Method specific, Method method, @Nullable Class<?> targetClass) {
        if (specific.isBridge() || specific.isSynthetic()) {
            return null;
        }
        FileLocked annotation = AnnotatedElementUtils.findMergedAnnotation(specific, FileLocked.class);
        if (annotation == null && specific != method) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(method, FileLocked.class);
        }
        // On a type, the annotation covers its public methods, but not equals, hashCode
        // and toString.
        if (annotation == null && Modifier.isPublic(specific.getModifiers())
                && !Modifier.isStatic(specific.getModifiers()) && !ReflectionUtils.isObjectMethod(specific)) {
            Class<?> type = (targetClass != null) ? targetClass : specific.getDeclaringClass();
            annotation = AnnotatedElementUtils.findMergedAnnotation(type, FileLocked.class);
        }
        return annotation;
    }

    private KeyTemplate keyTemplate(FileLocked annotation, Method method, String where) {
        String path = this.placeholders.apply(annotation.path());
        KeyTemplate template;
        try {
            template = KeyTemplate.parse(path, method, where);
        }
        catch (ParseException | IllegalArgumentException | IllegalStateException ex) {
            throw invalid(where, "path '" + path + "' is not a valid template: " + ex.getMessage());
        }
        String unresolved = template.unresolvedParameters();
        if (unresolved != null) {
            throw invalid(where, unresolved);
        }
        String constant = template.constant();
        if (constant != null) {
            if (constant.isBlank()) {
                throw invalid(where, "path is empty");
            }
            try {
                this.backend.get().validateKey(constant);
            }
            catch (IllegalArgumentException ex) {
                throw invalid(where, ex.getMessage());
            }
        }
        return template;
    }

    private Duration timeout(FileLocked annotation, String where) {
        String text = this.placeholders.apply(annotation.timeout()).trim();
        if (text.isEmpty()) {
            return this.defaultTimeout.get();
        }
        try {
            return DurationStyle.detectAndParse(text);
        }
        catch (IllegalArgumentException ex) {
            throw invalid(where, "timeout '" + text + "' is not a duration (use e.g. \"10s\", \"500ms\", \"PT10S\", "
                    + "\"0\" for one attempt or \"-1\" to wait forever)");
        }
    }

    private LockMode mode(FileLocked annotation, String where) {
        LockMode mode = annotation.mode();
        LockBackend backend = this.backend.get();
        if (!backend.supports(mode)) {
            throw invalid(where, "mode = READ needs a shared lock, but the lock backend (" + backend + ") has none: "
                    + sharedModeFix(backend));
        }
        return mode;
    }

    private static String sharedModeFix(LockBackend backend) {
        if (backend instanceof FileLockRegistry) {
            return "use filelock.type=native, sqlite or soft-read-write (read/write locks), or set "
                    + "filelock.read-mode-fallback=exclusive to take the exclusive lock instead (readers then exclude "
                    + "each other); a FileLockRegistry bean of your own needs a read/write lock factory or readsAsExclusive";
        }
        return "set filelock.read-mode-fallback=exclusive to take the key's exclusive lock instead, or use "
                + "filelock.backend=file";
    }

    private static ReturnStyle returnStyle(Class<?> returnType, FileLocked annotation, String where) {
        if (annotation.onTimeout() == OnTimeout.SKIP && returnType.isPrimitive() && returnType != void.class) {
            throw invalid(where, "onTimeout = SKIP cannot skip a method returning " + returnType.getName()
                    + " (there is no value for a skipped call); return a wrapper type or Optional");
        }
        if (returnType == Optional.class) {
            return ReturnStyle.OPTIONAL;
        }
        if (CompletionStage.class.isAssignableFrom(returnType)) {
            return ReturnStyle.COMPLETION_STAGE;
        }
        if (REACTOR_PRESENT && ReactorLocking.isMono(returnType)) {
            return ReturnStyle.MONO;
        }
        if (REACTOR_PRESENT && ReactorLocking.isFlux(returnType)) {
            return ReturnStyle.FLUX;
        }
        if (PUBLISHER != null && PUBLISHER.isAssignableFrom(returnType)) {
            throw invalid(where, "the return type " + returnType.getName() + " is a reactive publisher other than "
                    + "Mono or Flux, so the lock could not be held while it runs; declare Mono or Flux (Mono.from and "
                    + "Flux.from adapt any Publisher)");
        }
        return ReturnStyle.PLAIN;
    }

    /**
     * Returns the result of a method locked only while it ran, refusing a
     * {@code CompletionStage} or a reactive publisher that its declared return type
     * ({@code Object}, say) let through: the lock is already released, while the work
     * such a value stands for runs later, unlocked.
     */
    static @Nullable Object synchronousResult(Method method, @Nullable Object result) {
        if (result instanceof CompletionStage<?> || (PUBLISHER != null && PUBLISHER.isInstance(result))) {
            throw new IllegalStateException("@FileLocked method " + ClassUtils.getQualifiedMethodName(method)
                    + "() returned a " + result.getClass().getName() + " through its declared return type "
                    + method.getReturnType().getName() + ", so its lock was released when it returned while the "
                    + "work of that value may run later, unlocked: declare the return type as CompletableFuture, "
                    + "CompletionStage, Mono or Flux, and the lock is held until it completes");
        }
        return result;
    }

    private static IllegalStateException invalid(String where, @Nullable String reason) {
        return new IllegalStateException("Invalid @FileLocked on " + where + ": " + reason);
    }

    private static @Nullable Class<?> loadOptional(String name) {
        try {
            return ClassUtils.forName(name, LockedMethods.class.getClassLoader());
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return null;
        }
    }

}
