package dev.filelock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core as a named module on the module path, the way a modular application uses it: a
 * module that requires only {@code dev.filelock} takes a native and an SQLite read/write
 * lock in a new JVM, with JNA (an automatic module), sqlite-jdbc and slf4j-api (which
 * sqlite-jdbc logs through) on the module path beside it.
 */
class ModulePathSmokeTests {

    private static final String MODULE_INFO = """
            module dev.filelock.smoke {
                requires dev.filelock;
            }
            """;

    private static final String MAIN = """
            package dev.filelock.smoke;

            import dev.filelock.FileLock;
            import dev.filelock.LockHold;
            import dev.filelock.ReadWriteFileLock;
            import java.nio.file.Path;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    Path directory = Path.of(args[0]);
                    FileLock exclusive = FileLock.of(directory.resolve("native.lock"));
                    try (LockHold hold = exclusive.acquire()) {
                        System.out.println("native " + exclusive.isHeldByCurrentThread());
                    }
                    try (ReadWriteFileLock lock = ReadWriteFileLock.of(directory.resolve("sqlite.lock"))) {
                        try (LockHold hold = lock.acquireWrite()) {
                            System.out.println("sqlite " + lock.heldMode().orElseThrow());
                        }
                    }
                    System.out.println("OK " + FileLock.class.getModule().getName());
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void aNamedModuleLocksThroughTheCoreOnTheModulePath() throws IOException, URISyntaxException {
        List<Path> modulePath = List.of(coreClasses(), dependency("jna-"), dependency("sqlite-jdbc-"),
                dependency("slf4j-api-"));
        Path smoke = compileSmokeModule(modulePath);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(
                List.of(java, "--module-path", join(Stream.concat(modulePath.stream(), Stream.of(smoke)).toList()),
                        // sqlite-jdbc requires org.slf4j statically: only --add-modules
                        // resolves it (then it logs there).
                        "--add-modules", "org.slf4j", "--enable-native-access=com.sun.jna,org.xerial.sqlitejdbc", "-m",
                        "dev.filelock.smoke/dev.filelock.smoke.Main", this.work.toString()));
        try (ChildProcess child = ChildProcess.start("module-path smoke", new ProcessBuilder(command))) {
            assertThat(child.awaitLine("native ")).isEqualTo("native true");
            assertThat(child.awaitLine("sqlite ")).isEqualTo("sqlite WRITE");
            assertThat(child.awaitLine("OK ")).isEqualTo("OK dev.filelock");
            assertThat(child.awaitExit()).isZero();
        }
    }

    /**
     * The core's classes directory or jar; without its module descriptor the child would
     * not use it as one.
     */
    private static Path coreClasses() throws URISyntaxException {
        Path core = Path.of(FileLock.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        boolean descriptor = Files.isDirectory(core) ? Files.exists(core.resolve("module-info.class"))
                : core.toString().endsWith(".jar");
        assertThat(descriptor).as("module-info.class in %s", core).isTrue();
        return core;
    }

    /** A jar of this JVM's class or module path, by file name prefix. */
    private static Path dependency(String prefix) {
        String paths = System.getProperty("java.class.path") + File.pathSeparator
                + System.getProperty("jdk.module.path", "");
        return Stream.of(paths.split(File.pathSeparator, -1))
            .filter((entry) -> !entry.isEmpty())
            .map(Path::of)
            .filter((entry) -> entry.getFileName().toString().startsWith(prefix)
                    && entry.getFileName().toString().endsWith(".jar"))
            .findFirst()
            .orElseThrow(
                    () -> new AssertionError("no " + prefix + "*.jar on the test's class or module path: " + paths));
    }

    private Path compileSmokeModule(List<Path> modulePath) throws IOException {
        Path sources = Files.createDirectories(this.work.resolve("src/dev/filelock/smoke"));
        Files.writeString(this.work.resolve("src/module-info.java"), MODULE_INFO);
        Files.writeString(sources.resolve("Main.java"), MAIN);
        Path classes = this.work.resolve("classes");
        ToolProvider javac = ToolProvider.findFirst("javac")
            .orElseThrow(() -> new AssertionError("no javac in this JDK"));
        // JSpecify is a static dependency: the compiler reads it (it annotates the API),
        // the runtime does not need it.
        List<Path> compileModulePath = Stream.concat(modulePath.stream(), Stream.of(dependency("jspecify-"))).toList();
        int status = javac.run(System.out, System.err, "--release", "17", "--module-path", join(compileModulePath),
                "-d", classes.toString(), this.work.resolve("src/module-info.java").toString(),
                sources.resolve("Main.java").toString());
        assertThat(status).as("javac of the smoke module").isZero();
        return classes;
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

}
