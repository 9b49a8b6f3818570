package dev.filelock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts of {@code src/test/resources/python} with Debian's {@code /usr/bin/python3} and its {@code
 * python3-filelock} (3.9.0); the {@code python3} on {@code PATH} may be another interpreter without {@code filelock}.
 */
public final class PythonFilelock {

    /** Debian's interpreter, which sees Debian's {@code python3-filelock}. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static volatile boolean checked;

    private PythonFilelock() {
    }

    /**
     * Starts one of the scripts under {@code python/} of the test resources.
     *
     * @param script the file name, e.g. {@code hold_lock.py}
     * @param args its arguments
     * @return the running script
     */
    public static ChildProcess start(String script, String... args) {
        requireFilelock();
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", scriptPath(script).toString()));
        command.addAll(List.of(args));
        return ChildProcess.start("python " + script, new ProcessBuilder(command));
    }

    /** Fails (never skips) the calling test when Debian's Python or its {@code filelock} package is missing. */
    public static void requireFilelock() {
        if (checked) {
            return;
        }
        assertThat(PYTHON).as("Debian's python3 is required for the interop tests (apt-get install python3)").isExecutable();
        try {
            Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import filelock; print(filelock.__version__)")
                    .redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0)
                    .as("Python's filelock is required for the interop tests: apt-get install python3-filelock; %s says: %s",
                            PYTHON, output)
                    .isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        checked = true;
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
