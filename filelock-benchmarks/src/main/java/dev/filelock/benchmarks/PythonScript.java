package dev.filelock.benchmarks;

import dev.filelock.testing.PythonFilelock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python side of the benchmarks ({@code python_agent.py}), written out of the jar for
 * the interpreter to run.
 */
final class PythonScript {

    private PythonScript() {
    }

    /** Writes the Python agent next to the run's files (once) and returns its path. */
    static Path extract(Path workDir) throws IOException {
        Path script = workDir.resolve("python_agent.py");
        if (!Files.exists(script)) {
            try (InputStream in = PythonScript.class.getResourceAsStream("python_agent.py")) {
                if (in == null) {
                    throw new IllegalStateException("python_agent.py is missing from the benchmarks jar");
                }
                Files.copy(in, script);
            }
        }
        if (!Files.isExecutable(PythonFilelock.PYTHON)) {
            throw new IllegalStateException(
                    PythonFilelock.PYTHON + " is missing: install Debian's python3 and python3-filelock");
        }
        return script;
    }

}
