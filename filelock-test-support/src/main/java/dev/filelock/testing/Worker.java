package dev.filelock.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task on a thread of its own (a daemon, so that a hang fails the test without keeping
 * the JVM alive), whose result or failure the test awaits.
 *
 * @param <T> the result type
 */
public final class Worker<T> {

    private final Thread thread;

    private final CompletableFuture<T> result = new CompletableFuture<>();

    private volatile boolean interruptedAtEnd;

    private Worker(String name, Callable<T> task) {
        thread = new Thread(() -> {
            try {
                result.complete(task.call());
            }
            catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
            finally {
                interruptedAtEnd = Thread.currentThread().isInterrupted();
            }
        }, name);
        thread.setDaemon(true);
    }

    /**
     * Starts the task on a new thread.
     * @param name the thread's name
     * @param task the task
     * @param <T> the result type
     * @return the running worker
     */
    public static <T> Worker<T> start(String name, Callable<T> task) {
        Worker<T> worker = new Worker<>(name, task);
        worker.thread.start();
        return worker;
    }

    /**
     * Waits for the task to end and returns its result, failing if it threw.
     * @return the result
     */
    public T awaitResult() {
        try {
            return outcome();
        }
        catch (ExecutionException e) {
            throw new AssertionError(thread.getName() + " failed", e.getCause());
        }
    }

    /**
     * Waits for the task to end and returns what it threw, failing if it returned
     * normally.
     * @return the task's exception
     */
    public Throwable awaitFailure() {
        T value;
        try {
            value = outcome();
        }
        catch (ExecutionException e) {
            Throwable cause = Objects.requireNonNull(e.getCause(), "an ExecutionException always has a cause");
            return cause instanceof CompletionException c && c.getCause() != null ? c.getCause() : cause;
        }
        throw new AssertionError(thread.getName() + " was expected to fail but returned " + value);
    }

    private T outcome() throws ExecutionException {
        try {
            return result.get(ChildProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
        }
        catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " still running (a hang): " + stack(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Tells whether the task has ended.
     * @return whether it returned or threw
     */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits until the worker's thread is parked or sleeping, as a thread waiting for a
     * lock is, or has ended (which the caller's next assertion then reports, instead of a
     * hang).
     * @return this worker
     */
    public Worker<T> awaitParked() {
        await().atMost(ChildProcess.HANG_GUARD)
            .pollInterval(Duration.ofMillis(1))
            .until(() -> result.isDone() || thread.getState() == Thread.State.WAITING
                    || thread.getState() == Thread.State.TIMED_WAITING);
        return this;
    }

    /** Interrupts the worker's thread. */
    public void interrupt() {
        thread.interrupt();
    }

    /**
     * Tells whether the thread's interrupt status was set when the task ended.
     * @return the interrupt status at the end, after awaiting the result
     */
    public boolean wasInterruptedAtEnd() {
        await().atMost(ChildProcess.HANG_GUARD).until(() -> !thread.isAlive());
        return interruptedAtEnd;
    }

    private String stack() {
        StringBuilder text = new StringBuilder();
        for (StackTraceElement element : thread.getStackTrace()) {
            text.append("\n\tat ").append(element);
        }
        return text.toString();
    }

}
