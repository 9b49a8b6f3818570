package dev.filelock.benchmarks;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Starts the benchmarks' child processes through the project's one driver
 * ({@link ChildJvm}, {@link ChildProcess}): {@link Child} in a JVM without the tests'
 * fast-start options (C1 only would distort the figures), or the Python agent; every wait
 * for a reply is bounded, so a stuck child fails its row instead of hanging the suite.
 */
final class Children {

    /**
     * The system property naming the directory that receives one JFR recording per child
     * JVM ({@code --jfr=DIR}); unset, children run without JFR.
     */
    static final String JFR_PROPERTY = "filelock.benchmarks.jfr";

    /** How long a child asked to quit may take to write its recording and exit. */
    private static final Duration QUIT_GRACE = Duration.ofSeconds(10);

    private static final AtomicInteger STARTED = new AtomicInteger();

    private Children() {
    }

    /**
     * The directory of the JFR recordings, or {@code null} when this run records none.
     */
    static @Nullable Path jfrDirectory() {
        String directory = System.getProperty(JFR_PROPERTY);
        return (directory == null || directory.isEmpty()) ? null : Path.of(directory);
    }

    /**
     * The JVM option that records a JFR file (profile settings, written at exit) under
     * the given file or directory (a directory gets a generated name per JVM).
     */
    static String jfrOption(Path fileOrDirectory) {
        return "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + fileOrDirectory;
    }

    /**
     * Ends a child: when recordings are on, asks it to quit first so that its JVM writes
     * the recording at exit (a killed JVM writes none), then kills what is left.
     */
    static void stop(ChildProcess child) {
        if (jfrDirectory() != null && child.isAlive()) {
            try {
                child.send("quit");
                child.awaitExit(QUIT_GRACE);
            }
            catch (RuntimeException stuck) {
                // A child blocked in a handler cannot quit: it is killed below, without a
                // recording.
            }
        }
        child.close();
    }

    /** Starts {@link Child} in a new JVM on this JVM's classpath, with a 256 MB heap. */
    static ChildProcess java(String name, String... args) {
        return javaWithHeap(name, "256m", args);
    }

    /**
     * Starts {@link Child} in a new JVM on this JVM's classpath, with the given maximum
     * heap.
     */
    static ChildProcess javaWithHeap(String name, String maxHeap, String... args) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + maxHeap));
        Path jfr = jfrDirectory();
        if (jfr != null) {
            options.add(jfrOption(jfr.resolve(name + "-" + STARTED.incrementAndGet() + ".jfr")));
        }
        return ChildJvm.builder(name, Child.class).withoutFastStart().jvmOptions(options).start(args);
    }

    /**
     * Starts the Python agent with Debian's interpreter, which has Debian's
     * {@code python3-filelock}.
     */
    static ChildProcess python(String name, Path script, String... args) {
        return PythonFilelock.startScript(name, script, args);
    }

}
