package dev.filelock.spring.actuate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started with the given class path and main class, talking through its standard streams: it answers on
 * standard output and ends when its standard input closes.
 */
public final class ChildProcess implements AutoCloseable {

    private final Process process;

    private final BufferedReader output;

    private ChildProcess(Process process) {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code java -cp classPath mainClass args}, prefixed with {@code prefix} (such as setpriv), if any. */
    static ChildProcess start(List<String> prefix, String classPath, Class<?> mainClass, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        return new ChildProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Starts a child JVM on this test class path that holds a native lock on the file until closed. */
    public static ChildProcess holdingNativeLock(Path file) throws IOException {
        ChildProcess child = start(List.of(), System.getProperty("java.class.path"), NativeLockHolder.class,
                file.toString());
        String answer = child.readLine();
        if (!"held".equals(answer)) {
            child.close();
            throw new IllegalStateException("The lock holder child answered '" + answer + "' instead of 'held'");
        }
        return child;
    }

    long pid() {
        return this.process.pid();
    }

    String readLine() throws IOException {
        return this.output.readLine();
    }

    @Override
    public void close() {
        try {
            this.process.getOutputStream().close();
            if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor();
            }
        }
        catch (IOException | InterruptedException ex) {
            this.process.destroyForcibly();
        }
    }
}
