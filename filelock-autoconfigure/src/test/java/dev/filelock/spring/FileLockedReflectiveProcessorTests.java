package dev.filelock.spring;

import dev.filelock.LockMode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.aot.hint.predicate.RuntimeHintsPredicates.reflection;

/**
 * Tests the hints that {@link FileLocked} registers for a bean, through
 * {@link ReflectiveRuntimeHintsRegistrar} as AOT processing registers them for every
 * bean: the locked method is invocable and its path's SpEL can call the parameters'
 * methods.
 */
class FileLockedReflectiveProcessorTests {

    private final RuntimeHints hints = new RuntimeHints();

    @Test
    void lockedMethodIsInvocableAndTheParametersMethodsAreCallableFromTheTemplate() {
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Orders.class);
        assertThat(reflection().onMethodInvocation(Orders.class, "process")).accepts(this.hints);
        assertThat(reflection().onMethodInvocation(OrderId.class, "value")).accepts(this.hints);
        assertThat(reflection().onFieldAccess(Batch.class, "name")).accepts(this.hints);
        assertThat(reflection().onType(Batch.class).withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS))
            .accepts(this.hints);
        assertThat(reflection().onType(String.class).withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS))
            .accepts(this.hints);
    }

    @Test
    void methodWithoutTheAnnotationGetsNoHints() {
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Orders.class);
        assertThat(reflection().onMethodInvocation(Orders.class, "unlocked")).rejects(this.hints);
        assertThat(reflection().onType(Unlocked.class)).rejects(this.hints);
    }

    @Test
    void annotationOnTheTypeCoversItsPublicMethods() {
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, NightlyJob.class);
        assertThat(reflection().onMethodInvocation(NightlyJob.class, "run")).accepts(this.hints);
        assertThat(reflection().onMethodInvocation(OrderId.class, "value")).accepts(this.hints);
    }

    @Test
    void metaAnnotationRegistersTheSameHints() {
        new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Reports.class);
        assertThat(reflection().onMethodInvocation(Reports.class, "render")).accepts(this.hints);
        assertThat(reflection().onMethodInvocation(OrderId.class, "value")).accepts(this.hints);
    }

    record OrderId(String value) {
    }

    static class Batch {

        public String name = "";

        public String describe() {
            return this.name;
        }

    }

    record Unlocked(String value) {
    }

    static class Orders {

        @FileLocked(path = "orders/#{#id.value()}-#{#batches[0].name}-#{#note.trim()}.lock")
        public void process(OrderId id, Batch[] batches, String note, int attempt) {
        }

        public void unlocked(Unlocked value) {
        }

    }

    @FileLocked(path = "nightly.lock")
    static class NightlyJob {

        public void run(OrderId id) {
        }

    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @FileLocked(path = "reports/#{#id.value()}.lock", mode = LockMode.READ)
    @interface ReportLock {

    }

    static class Reports {

        @ReportLock
        public String render(OrderId id) {
            return id.value();
        }

    }

}
