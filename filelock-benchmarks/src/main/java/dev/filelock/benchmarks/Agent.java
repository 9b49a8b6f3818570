package dev.filelock.benchmarks;

/**
 * One party of a handoff: takes {@code acquire} / {@code release} commands and replies
 * with the {@code nanoTime} after acquiring / before releasing; a child process (the
 * child protocol's {@code OK <nanoTime>}) or a thread of this JVM.
 */
interface Agent extends AutoCloseable {

    void send(String command);

    /** Waits for the reply to the last command and returns its stamp. */
    long replyNanos();

    @Override
    void close();

}
