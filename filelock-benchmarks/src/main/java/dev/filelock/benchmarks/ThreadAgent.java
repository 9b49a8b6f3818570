package dev.filelock.benchmarks;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * A handoff party that is a thread of this JVM, so in-JVM handoffs run through the same
 * driver as processes.
 */
final class ThreadAgent implements Agent {

    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private final Thread thread;

    ThreadAgent(String name, Lock lock) {
        this.thread = new Thread(() -> serve(lock), name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void send(String command) {
        commands.add(command);
    }

    @Override
    public long replyNanos() {
        String answer;
        try {
            answer = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + thread.getName(), e);
        }
        if (answer == null || answer.startsWith("failed ")) {
            throw new IllegalStateException(thread.getName() + " answered '" + answer + "' instead of a stamp");
        }
        return Long.parseLong(answer);
    }

    @Override
    public void close() {
        commands.add("quit");
        try {
            thread.join(TimeUnit.SECONDS.toMillis(ANSWER_TIMEOUT_SECONDS));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(Lock lock) {
        try {
            while (true) {
                switch (commands.take()) {
                    case "acquire" -> {
                        lock.lock();
                        long acquired = System.nanoTime();
                        answers.add(Long.toString(acquired));
                    }
                    case "release" -> {
                        long released = System.nanoTime();
                        lock.unlock();
                        answers.add(Long.toString(released));
                    }
                    default -> {
                        return;
                    }
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            answers.add("failed " + e);
        }
    }

}
