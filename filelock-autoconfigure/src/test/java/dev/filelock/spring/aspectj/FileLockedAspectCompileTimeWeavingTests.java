package dev.filelock.spring.aspectj;

import dev.filelock.spring.aop.FileLockedAspect;
import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildMain;
import dev.filelock.testing.ChildProcess;
import java.io.File;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aspectj.tools.ajc.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link FileLockedAspect} under compile-time weaving: {@code ajc} weaves
 * {@link SelfInvokingApplication}'s classes and completes the aspect (as the README's
 * {@code aspectj-maven-plugin} setup does with {@code
 * aspectLibraries} and {@code weaveDependencies}), and the application then locks
 * self-invoked, private and final methods in a JVM without the weaving agent.
 */
class FileLockedAspectCompileTimeWeavingTests {

    @TempDir
    Path work;

    @Test
    void classesWovenByAjcLockSelfInvokedMethodsWithoutTheAgent() throws Exception {
        Path input = Files.createDirectory(this.work.resolve("input"));
        copyClasses(SelfInvokingJob.class, input);
        copyClasses(PrivateAndFinalJob.class, input);
        copyClasses(FileLockedAspect.class, input);
        Path woven = this.work.resolve("woven");
        try (ChildProcess ajc = ChildJvm.start("ajc", Main.class, "-17", "-inpath", input.toString(), "-classpath",
                System.getProperty("java.class.path"), "-d", woven.toString())) {
            assertThat(ajc.awaitExit()).as(ajc.describe()).isZero();
        }
        Path locks = Files.createDirectory(this.work.resolve("locks"));
        try (ChildProcess app = ChildJvm.startWithClasspathFirst("app", woven, SelfInvokingApplication.class,
                "--filelock.directory=" + locks, "--shared=" + this.work, "--name=a", "--iterations=3",
                "--spring.main.banner-mode=off", "--logging.level.root=warn")) {
            app.awaitReady();
            assertThat(app.awaitValue("ADVISORS ")).as(app.describe()).isEqualTo("0");
            for (String check : List.of("SELF_INVOCATION_LOCKED ", "TEMPLATE_LOCKED ", "SKIPPED ", "PRIVATE_LOCKED ",
                    "FINAL_LOCKED ")) {
                assertThat(app.awaitValue(check)).as(app.describe()).isEqualTo("true");
            }
            assertThat(app.awaitValue("MONO_LOCKED ")).as(app.describe()).isEqualTo("[true, true, false]");
            assertThat(app.awaitValue("FUTURE_LOCKED ")).as(app.describe()).isEqualTo("[true, false]");
            app.call("run");
            app.call(ChildMain.QUIT);
            assertThat(app.awaitExit()).as(app.describe()).isZero();
        }
        assertThat(Files.readString(this.work.resolve("counter"))).isEqualTo("3");
    }

    /**
     * Copies the compiled classes of {@code type}'s package whose names start with its
     * simple name.
     */
    private static void copyClasses(Class<?> type, Path root) throws Exception {
        Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = type.getPackageName().replace('.', File.separatorChar);
        Path target = Files.createDirectories(root.resolve(packagePath));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(classes.resolve(packagePath),
                type.getSimpleName() + "*.class")) {
            for (Path file : files) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
    }

}
