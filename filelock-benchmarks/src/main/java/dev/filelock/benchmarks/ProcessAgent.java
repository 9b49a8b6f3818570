package dev.filelock.benchmarks;

import dev.filelock.testing.ChildProcess;

/**
 * A handoff party in a child process ({@link Child} or the Python agent), replying with a
 * CLOCK_MONOTONIC stamp.
 */
final class ProcessAgent implements Agent {

    private final ChildProcess child;

    ProcessAgent(ChildProcess child) {
        this.child = child;
    }

    @Override
    public void send(String command) {
        child.send(command);
    }

    @Override
    public long replyNanos() {
        return Long.parseLong(child.reply());
    }

    @Override
    public void close() {
        Children.stop(child);
    }

}
