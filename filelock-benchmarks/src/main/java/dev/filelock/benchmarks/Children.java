package dev.filelock.benchmarks;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts the benchmarks' child processes through the project's one driver
 * ({@link ChildJvm}, {@link ChildProcess}): {@link Child} in a JVM without the tests'
 * fast-start options (C1 only would distort the figures), or the Python agent; every wait
 * for a reply is bounded, so a stuck child fails its row instead of hanging the suite.
 */
final class Children {

    private Children() {
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
        return ChildJvm.builder(name, Child.class).withoutFastStart().jvmOptions(List.of("-Xmx" + maxHeap)).start(args);
    }

    /**
     * Starts the Python agent with Debian's interpreter, which has Debian's
     * {@code python3-filelock}.
     */
    static ChildProcess python(String name, Path script, String... args) {
        return PythonFilelock.startScript(name, script, args);
    }

}
