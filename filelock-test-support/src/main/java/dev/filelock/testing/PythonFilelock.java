package dev.filelock.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts of this module ({@code src/main/resources/python}) with
 * Debian's {@code /usr/bin/python3} and its {@code
 * python3-filelock} (3.9.0); the {@code python3} on {@code PATH} may be another
 * interpreter without {@code filelock}.
 */
public final class PythonFilelock {

    /** Debian's interpreter, which sees Debian's {@code python3-filelock}. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static volatile boolean filelockFound;

    private PythonFilelock() {
    }

    /**
     * Starts one of the scripts under {@code python/} of the test resources that imports
     * {@code filelock}.
     * @param script the file name, e.g. {@code hold_lock.py}
     * @param args its arguments
     * @return the running script
     */
    public static ChildProcess start(String script, String... args) {
        requireFilelock();
        return run(script, args);
    }

    /**
     * Starts one of the scripts under {@code python/} of the test resources that needs
     * only Python's standard library.
     * @param script the file name, e.g. {@code soft_rw_peer.py}
     * @param args its arguments
     * @return the running script
     */
    public static ChildProcess startStandardLibraryScript(String script, String... args) {
        requirePython();
        return run(script, args);
    }

    /**
     * Starts a Python script from a file with Debian's interpreter, unbuffered, for
     * callers outside a test (the benchmarks), which check {@link #PYTHON} themselves.
     * @param name a short name for failure messages
     * @param script the script's file
     * @param args its arguments
     * @return the running script
     */
    public static ChildProcess startScript(String name, Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", script.toString()));
        command.addAll(List.of(args));
        return ChildProcess.start(name, new ProcessBuilder(command));
    }

    /**
     * Skips or fails the calling test (see {@link Prerequisite}) when Debian's Python is
     * missing.
     */
    public static void requirePython() {
        Prerequisite.require(Files.isExecutable(PYTHON), "Debian's " + PYTHON + " (apt-get install python3)");
    }

    /**
     * Skips or fails the calling test (see {@link Prerequisite}) when Debian's Python or
     * its {@code filelock} package is missing.
     */
    public static void requireFilelock() {
        if (filelockFound) {
            return;
        }
        requirePython();
        Prerequisite.require(runsCleanly("import filelock"),
                "Python's filelock for " + PYTHON + " (apt-get install python3-filelock)");
        filelockFound = true;
    }

    private static boolean runsCleanly(String program) {
        try {
            Process probe = new ProcessBuilder(PYTHON.toString(), "-c", program).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            boolean exited = probe.waitFor(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            probe.destroyForcibly();
            return exited && probe.exitValue() == 0;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ChildProcess run(String script, String... args) {
        return startScript("python " + script, scriptPath(script), args);
    }

    private static synchronized Path scriptPath(String script) {
        // Copied out of the classpath so that the tests also run from a jar.
        try (InputStream in = PythonFilelock.class.getResourceAsStream("/python/" + script)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource python/" + script);
            }
            Path dir = Files.createTempDirectory("filelock-python");
            dir.toFile().deleteOnExit();
            Path copy = dir.resolve(script);
            Files.copy(in, copy);
            copy.toFile().deleteOnExit();
            return copy;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
