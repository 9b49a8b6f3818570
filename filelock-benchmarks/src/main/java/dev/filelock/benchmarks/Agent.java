package dev.filelock.benchmarks;

/**
 * One party of a handoff: takes {@code acquire} / {@code release} / {@code quit} commands and answers {@code acquired
 * <nanoTime>} / {@code released <nanoTime>}; a child process or a thread of this JVM.
 */
interface Agent extends AutoCloseable {

    void send(String command);

    /** Waits for the next answer, which must start with {@code word}, and returns its first number. */
    long expectLong(String word);

    @Override
    void close();
}
