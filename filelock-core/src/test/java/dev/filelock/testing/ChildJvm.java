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
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts child JVMs with the test classpath, as this user or as the unprivileged user {@code nobody}.
 *
 * <p>The test classpath lives partly under {@code /root/.m2}, which {@code nobody} cannot read ({@code /root} is
 * {@code 0700}); for a non-root child every classpath entry is therefore copied once into a world-readable directory.
 */
public final class ChildJvm {

    /** Options that make a short-lived child JVM start fast on a small machine. */
    private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    private static String readableClasspath;

    private ChildJvm() {
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's classpath.
     *
     * @param name a short name for failure messages
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess start(String name, Class<?> mainClass, String... args) {
        List<String> command = javaCommand(System.getProperty("java.class.path"), List.of(), mainClass, args);
        return ChildProcess.start(name, new ProcessBuilder(command));
    }

    /**
     * Starts {@code mainClass} in a new JVM with this JVM's classpath, extra JVM options (such as a fixed {@code -Xmx})
     * and, when {@code maxOpenFiles} is positive, that open-file limit ({@code ulimit -n}, soft and hard, set by {@code
     * bash} before it becomes the JVM).
     *
     * @param name a short name for failure messages
     * @param jvmOptions options placed before the main class
     * @param maxOpenFiles the child's limit of open descriptors, or 0 to inherit this process's
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess start(String name, List<String> jvmOptions, int maxOpenFiles, Class<?> mainClass,
            String... args) {
        List<String> command = new ArrayList<>();
        if (maxOpenFiles > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"", "bash"));
        }
        command.addAll(javaCommand(System.getProperty("java.class.path"), jvmOptions, mainClass, args));
        return ChildProcess.start(name, new ProcessBuilder(command));
    }

    /**
     * Starts {@code mainClass} in a new JVM whose classpath has {@code first} in front of this JVM's, so that the
     * classes there (such as woven copies of test classes) replace those of the same name.
     *
     * @param name a short name for failure messages
     * @param first a directory or jar searched before this JVM's classpath
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess startWithClasspathFirst(String name, Path first, Class<?> mainClass, String... args) {
        String classpath = first + File.pathSeparator + System.getProperty("java.class.path");
        return ChildProcess.start(name, new ProcessBuilder(javaCommand(classpath, List.of(), mainClass, args)));
    }

    /**
     * Starts {@code mainClass} in a new JVM under a wrapper command (such as {@code unshare}), which receives the java
     * command line as its trailing arguments.
     *
     * @param name a short name for failure messages
     * @param wrapper the wrapper command and its own arguments
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child (the wrapper's process)
     */
    public static ChildProcess startUnder(String name, List<String> wrapper, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(javaCommand(System.getProperty("java.class.path"), List.of(), mainClass, args));
        return ChildProcess.start(name, new ProcessBuilder(command));
    }

    /**
     * Starts {@code mainClass} in a new JVM running as {@code nobody:nogroup} with no supplementary groups.
     *
     * @param name a short name for failure messages
     * @param sandbox a directory this method makes world-traversable and fills with a readable classpath and a
     *     writable home and temp directory for the child
     * @param mainClass the class whose {@code main} runs
     * @param args its arguments
     * @return the running child
     */
    public static ChildProcess startAsNobody(String name, Path sandbox, Class<?> mainClass, String... args) {
        Prerequisite.require(runningAsRoot(), "root privileges, to start the child as 'nobody' through setpriv "
                + "(permission checks cannot be tested as the owner of the files; CI runs as root)");
        try {
            makeTraversable(sandbox);
            Path home = Files.createDirectories(sandbox.resolve("nobody-home"));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
            String classpath = readableClasspath();
            List<String> jvmOptions = List.of(
                    "-Duser.home=" + home, "-Djava.io.tmpdir=" + home, "-Djna.tmpdir=" + home);
            List<String> command = new ArrayList<>(List.of(
                    "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
            command.addAll(javaCommand(classpath, jvmOptions, mainClass, args));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("HOME", home.toString());
            return ChildProcess.start(name, builder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> javaCommand(String classpath, List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FAST_START);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass.getName());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Whether this JVM runs as root, the only user that can switch to {@code nobody}. */
    public static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Opens {@code dir} and each of its ancestors for traversal by others ({@code o+x}), as {@code nobody} needs. */
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
     * Copies every entry of this JVM's classpath into a world-readable temporary directory, once per JVM (deleted when
     * the JVM exits), and returns the classpath of the copies.
     */
    private static synchronized String readableClasspath() throws IOException {
        if (readableClasspath != null) {
            return readableClasspath;
        }
        Path target = Files.createTempDirectory("filelock-nobody-classpath");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(target)));
        makeTraversable(target);
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            // A numbered prefix keeps jars with equal names (different groups) apart.
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            copyReadable(source, copy);
            entries.add(copy.toString());
        }
        readableClasspath = entries.stream().collect(Collectors.joining(File.pathSeparator));
        return readableClasspath;
    }

    private static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
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
