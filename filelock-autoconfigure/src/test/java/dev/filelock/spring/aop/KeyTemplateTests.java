package dev.filelock.spring.aop;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;
import dev.filelock.spring.autoconfigure.FileLockAutoConfiguration;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link FileLocked#path()} templates: a template that names a parameter the
 * method cannot resolve fails at startup, and a part that is null or empty at call time
 * is refused, so that calls never silently share one lock.
 */
class KeyTemplateTests {

    @TempDir
    Path directory;

    @TempDir
    Path classes;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FileLockAutoConfiguration.class))
            .withPropertyValues("filelock.directory=" + this.directory);
    }

    @Test
    void aTemplateNamingAParameterTheMethodDoesNotHaveFailsAtStartup() {
        contextRunner().withBean("misspelt", MisspeltParameter.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("'misspelt'")
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .message()
                .contains(MisspeltParameter.class.getName() + ".place()", "path 'orders/#{#orderid}.lock'", "#orderid",
                        "the parameters orderId", "#p0/#a0");
        });
    }

    @Test
    void aTemplateNamingAPositionPastTheLastParameterFailsAtStartup() {
        contextRunner().withBean("pastTheEnd", PositionPastTheEnd.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("'pastTheEnd'")
                .rootCause()
                .message()
                .contains(PositionPastTheEnd.class.getName() + ".place()", "#p1");
        });
    }

    @Test
    void aTemplateNamingParametersOfAMethodCompiledWithoutParameterNamesFailsAtStartup() throws Exception {
        Class<?> unnamed = compileWithoutParameterNames("NamedWithoutNames", "orders/#{#orderId}.lock");
        contextRunner().withClassLoader(unnamed.getClassLoader()).withBean("unnamed", unnamed).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("'unnamed'")
                .rootCause()
                .message()
                .contains(unnamed.getName() + ".work()", "path 'orders/#{#orderId}.lock'", "#orderId",
                        "compile with -parameters", "#p0/#a0");
        });
    }

    @Test
    void positionalAndRootFormsNeedNoParameterNames() throws Exception {
        Class<?> unnamed = compileWithoutParameterNames("PositionalWithoutNames",
                "orders/#{#p0}-#{#a1}-#{#root.methodName}.lock");
        contextRunner().withClassLoader(unnamed.getClassLoader()).withBean("positional", unnamed).run((context) -> {
            assertThat(context).hasNotFailed();
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            AtomicBoolean held = new AtomicBoolean();
            Object bean = context.getBean("positional");
            Runnable body = () -> held.set(isHeld(registry, "orders/acme-42-work.lock"));
            bean.getClass()
                .getMethod("work", String.class, String.class, Runnable.class)
                .invoke(bean, "acme", "42", body);
            assertThat(held).isTrue();
        });
    }

    @Test
    void aTemplateWhosePartsAreAllPresentLocksItsOwnPath() {
        contextRunner().withBean(Orders.class).run((context) -> {
            FileLockRegistry registry = context.getBean(FileLockRegistry.class);
            AtomicBoolean held = new AtomicBoolean();
            context.getBean(Orders.class)
                .place(new Order("acme", "42"), () -> held.set(isHeld(registry, "orders/acme/42.lock")));
            assertThat(held).isTrue();
        });
    }

    @Test
    void aPartThatIsNullAtCallTimeIsRefusedNamingTheMethodTheTemplateAndThePart() {
        contextRunner().withBean(Orders.class).run((context) -> {
            AtomicBoolean ran = new AtomicBoolean();
            assertThatIllegalArgumentException()
                .isThrownBy(() -> context.getBean(Orders.class).place(new Order("acme", null), () -> ran.set(true)))
                .withMessageContaining(Orders.class.getName() + ".place()")
                .withMessageContaining("'orders/#{#order.customer}/#{#order.id}.lock'")
                .withMessageContaining("#{#order.id} is null, so the call was refused rather than sharing one lock "
                        + "with every other such call: pass a non-empty value, or give the expression a fallback "
                        + "(#{#order.id ?: 'none'}) if such calls may share one lock");
            assertThat(ran).isFalse();
        });
    }

    @Test
    void aPartThatIsEmptyAtCallTimeIsRefusedNamingTheMethodTheTemplateAndThePart() {
        contextRunner().withBean(Orders.class).run((context) -> {
            AtomicBoolean ran = new AtomicBoolean();
            assertThatIllegalArgumentException()
                .isThrownBy(() -> context.getBean(Orders.class).place(new Order("", "42"), () -> ran.set(true)))
                .withMessageContaining(Orders.class.getName() + ".place()")
                .withMessageContaining("'orders/#{#order.customer}/#{#order.id}.lock'")
                .withMessageContaining("#{#order.customer} is empty");
            assertThat(ran).isFalse();
        });
    }

    @Test
    void aTemplateThatEvaluatesToABlankKeyIsRefusedSayingWhatToDo() {
        contextRunner().withBean(Named.class).run((context) -> {
            AtomicBoolean ran = new AtomicBoolean();
            assertThatIllegalArgumentException()
                .isThrownBy(() -> context.getBean(Named.class).work("  ", () -> ran.set(true)))
                .withMessage("@FileLocked path '#{#name}' evaluated to an empty key for " + Named.class.getName()
                        + ".work(): every part was blank; make the template name a file, such as 'jobs/#{#id}.lock'");
            assertThat(ran).isFalse();
        });
    }

    private static boolean isHeld(FileLockRegistry registry, String key) {
        return CompletableFuture.supplyAsync(() -> {
            Lock lock = registry.obtain(key);
            boolean free = lock.tryLock();
            if (free) {
                lock.unlock();
            }
            return !free;
        }).join();
    }

    /**
     * Compiles a bean as a build without {@code -parameters} would, so that its parameter
     * names are lost.
     */
    private Class<?> compileWithoutParameterNames(String name, String template)
            throws IOException, ClassNotFoundException {
        Path source = this.classes.resolve("dev/filelock/spring/aop/generated/" + name + ".java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package dev.filelock.spring.aop.generated;

                public class %s {

                    @dev.filelock.spring.FileLocked(path = "%s")
                    public void work(String orderId, String lineId, Runnable body) {
                        body.run();
                    }
                }
                """.formatted(name, template));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-proc:none", "-classpath", System.getProperty("java.class.path"),
                "-d", this.classes.toString(), source.toString());
        assertThat(status).as("javac exit status").isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] { this.classes.toUri().toURL() },
                KeyTemplateTests.class.getClassLoader());
        Class<?> compiled = loader.loadClass("dev.filelock.spring.aop.generated." + name);
        assertThat(compiled.getMethods()).filteredOn((method) -> method.getName().equals("work"))
            .singleElement()
            .satisfies((work) -> assertThat(work.getParameters()[0].isNamePresent()).isFalse());
        return compiled;
    }

    record Order(String customer, String id) {
    }

    static class Orders {

        @FileLocked(path = "orders/#{#order.customer}/#{#order.id}.lock")
        public void place(Order order, Runnable body) {
            body.run();
        }

    }

    static class Named {

        @FileLocked(path = "#{#name}")
        public void work(String name, Runnable body) {
            body.run();
        }

    }

    static class MisspeltParameter {

        @FileLocked(path = "orders/#{#orderid}.lock")
        public void place(String orderId) {
        }

    }

    static class PositionPastTheEnd {

        @FileLocked(path = "orders/#{#p1}.lock")
        public void place(String orderId) {
        }

    }

}
