package dev.filelock.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The one child-JVM driver of the project's tests and benchmarks: starts
 * {@code mainClass} in a new JVM with this JVM's classpath (or another), extra JVM
 * options, a wrapper command (such as {@code env LD_PRELOAD=libfaketime...} for a shifted
 * clock), environment variables, an open-file limit, or as the unprivileged user
 * {@code nobody}; the child is a {@link ChildProcess}, killed when closed and at the
 * latest when this JVM exits.
 *
 * <p>
 * The test classpath lives partly under {@code /root/.m2}, which {@code nobody} cannot
 * read ({@code /root} is {@code 0700}); for a non-root child every classpath entry is
 * therefore copied once into a world-readable directory.
 */
public final class ChildJvm {

    /**
     * Options that make a short-lived child JVM start fast on a small machine (C1 only:
     * not for measurements).
     */
    private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto");

    private static @Nullable String readableClasspath;

    private ChildJvm() {
    }

    /**
     * Starts describing a child JVM; {@link Builder#start} starts it.
     * @param name a short name for failure messages
     * @param mainClass the class whose {@code main} runs
     * @return a builder with this JVM's classpath, the fast-start options and nothing
     * else
     */
    public static Builder builder(String name, Class<?> mainClass) {
        return new Builder(name, mainClass);
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's classpath.
     * @param name a short name for failure messages
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess start(String name, Class<?> mainClass, String... args) {
        return builder(name, mainClass).start(args);
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's classpath, extra JVM options
     * (such as a fixed {@code -Xmx}) and, when {@code maxOpenFiles} is positive, that
     * open-file limit ({@code ulimit -n}, soft and hard, set by {@code
     * bash} before it becomes the JVM).
     * @param name a short name for failure messages
     * @param jvmOptions options placed before the main class
     * @param maxOpenFiles the child's limit of open descriptors, or 0 to inherit this
     * process's
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess start(String name, List<String> jvmOptions, int maxOpenFiles, Class<?> mainClass,
            String... args) {
        return builder(name, mainClass).jvmOptions(jvmOptions).maxOpenFiles(maxOpenFiles).start(args);
    }

    /**
     * Starts {@code mainClass} in a new JVM whose classpath has {@code first} in front of
     * this JVM's, so that the classes there (such as woven copies of test classes)
     * replace those of the same name.
     * @param name a short name for failure messages
     * @param first a directory or jar searched before this JVM's classpath
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess startWithClasspathFirst(String name, Path first, Class<?> mainClass, String... args) {
        return builder(name, mainClass).classpathFirst(first).start(args);
    }

    /**
     * Starts {@code mainClass} in a new JVM under a wrapper command (such as
     * {@code unshare}), which receives the java command line as its trailing arguments.
     * @param name a short name for failure messages
     * @param wrapper the wrapper command and its own arguments
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child (the wrapper's process)
     */
    public static ChildProcess startUnder(String name, List<String> wrapper, Class<?> mainClass, String... args) {
        return builder(name, mainClass).wrapper(wrapper).start(args);
    }

    /**
     * Starts {@code mainClass} in a new JVM running as {@code nobody:nogroup} with no
     * supplementary groups.
     * @param name a short name for failure messages
     * @param sandbox a directory this method makes world-traversable and fills with a
     * readable classpath and a writable home and temp directory for the child
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess startAsNobody(String name, Path sandbox, Class<?> mainClass, String... args) {
        return builder(name, mainClass).asNobody(sandbox).start(args);
    }

    /** What a child JVM is started with; each setter returns this builder. */
    public static final class Builder {

        private final String name;

        private final Class<?> mainClass;

        private String classpath = System.getProperty("java.class.path");

        private final List<String> jvmOptions = new ArrayList<>();

        private final List<String> wrapper = new ArrayList<>();

        private final Map<String, String> environment = new LinkedHashMap<>();

        private boolean fastStart = true;

        private int maxOpenFiles;

        private @Nullable Path nobodySandbox;

        private Builder(String name, Class<?> mainClass) {
            this.name = name;
            this.mainClass = mainClass;
        }

        /**
         * Replaces the classpath (default: this JVM's).
         * @param classpath entries separated by {@link File#pathSeparator}
         * @return this builder
         */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /**
         * Puts a directory or jar in front of the classpath.
         * @param first searched before the other entries
         * @return this builder
         */
        public Builder classpathFirst(Path first) {
            this.classpath = first + File.pathSeparator + classpath;
            return this;
        }

        /**
         * Adds JVM options, placed before the main class.
         * @param options such as {@code -Xmx64m} or {@code -javaagent:...}
         * @return this builder
         */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /**
         * Leaves out the options that make a short-lived JVM start fast (C1 only, serial
         * GC), for children whose speed is measured (default: used).
         * @return this builder
         */
        public Builder withoutFastStart() {
            this.fastStart = false;
            return this;
        }

        /**
         * Starts the JVM under a wrapper command, which receives the java command line as
         * its trailing arguments; the wrapper should exec the JVM, so that the child's
         * pid is the JVM's.
         * @param command the wrapper command and its own arguments, such as
         * {@code env LD_PRELOAD=...}
         * @return this builder
         */
        public Builder wrapper(List<String> command) {
            wrapper.addAll(command);
            return this;
        }

        /**
         * Sets an environment variable of the child (default: this process's
         * environment).
         * @param variable the name
         * @param value the value
         * @return this builder
         */
        public Builder environment(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        /**
         * Limits the child's open descriptors ({@code ulimit -n}, soft and hard, set by
         * {@code bash} before it becomes the JVM).
         * @param limit the limit, or 0 to inherit this process's (default)
         * @return this builder
         */
        public Builder maxOpenFiles(int limit) {
            this.maxOpenFiles = limit;
            return this;
        }

        /**
         * Runs the child as {@code nobody:nogroup} with no supplementary groups, through
         * {@code setpriv}; the calling test is skipped (or fails under CI) unless this
         * JVM runs as root.
         * @param sandbox a directory made world-traversable and filled with a readable
         * classpath and a writable home and temp directory for the child
         * @return this builder
         */
        public Builder asNobody(Path sandbox) {
            this.nobodySandbox = sandbox;
            return this;
        }

        /**
         * Starts the child.
         * @param args the arguments of its {@code main}
         * @return the running child
         * @throws java.io.UncheckedIOException if it cannot be started
         */
        public ChildProcess start(String... args) {
            List<String> command = new ArrayList<>();
            if (maxOpenFiles > 0) {
                command.addAll(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "bash"));
            }
            command.addAll(wrapper);
            List<String> options = new ArrayList<>(fastStart ? FAST_START : List.of());
            options.addAll(jvmOptions);
            String path = classpath;
            Map<String, String> env = new LinkedHashMap<>(environment);
            if (nobodySandbox != null) {
                Prerequisite.require(runningAsRoot(), "root privileges, to start the child as 'nobody' through setpriv "
                        + "(permission checks cannot be tested as the owner of the files; CI runs as root)");
                try {
                    makeTraversable(nobodySandbox);
                    Path home = Files.createDirectories(nobodySandbox.resolve("nobody-home"));
                    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
                    path = readableClasspath(classpath);
                    options.addAll(List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + home, "-Djna.tmpdir=" + home));
                    env.put("HOME", home.toString());
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.add("-cp");
            command.add(path);
            command.add(mainClass.getName());
            command.addAll(Arrays.asList(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            return ChildProcess.start(name, builder);
        }

    }

    /** Whether this JVM runs as root, the only user that can switch to {@code nobody}. */
    public static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
        catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Opens {@code dir} and each of its ancestors for traversal by others ({@code o+x}),
     * as {@code nobody} needs.
     */
    public static void makeTraversable(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            var permissions = Files.getPosixFilePermissions(p);
            if (!permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                permissions.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                permissions.add(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
                Files.setPosixFilePermissions(p, permissions);
            }
        }
    }

    /**
     * Copies every entry of the classpath into a world-readable temporary directory, once
     * per JVM for its own (deleted when the JVM exits), and returns the classpath of the
     * copies.
     */
    private static synchronized String readableClasspath(String classpath) throws IOException {
        if (!classpath.equals(System.getProperty("java.class.path"))) {
            return copyClasspath(classpath);
        }
        if (readableClasspath == null) {
            readableClasspath = copyClasspath(classpath);
        }
        return readableClasspath;
    }

    private static String copyClasspath(String classpath) throws IOException {
        Path target = Files.createTempDirectory("filelock-nobody-classpath");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(target)));
        makeTraversable(target);
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            // A numbered prefix keeps jars with equal names (different groups) apart.
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            copyReadable(source, copy);
            entries.add(copy.toString());
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException ignored) {
            // best effort at JVM exit
        }
    }

    private static void copyReadable(Path source, Path copy) throws IOException {
        if (Files.exists(copy)) {
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path created = Files.createDirectories(copy.resolve(source.relativize(dir).toString()));
                Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copied = source.equals(file) ? copy : copy.resolve(source.relativize(file).toString());
                Files.copy(file, copied, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copied, PosixFilePermissions.fromString("rw-r--r--"));
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
