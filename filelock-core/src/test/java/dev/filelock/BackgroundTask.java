package dev.filelock;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A task on a thread of its own, so a test can wait until it blocks, interrupt it, and collect its outcome. */
final class BackgroundTask<T> {

    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final Thread thread;

    private BackgroundTask(String name, Callable<T> task) {
        thread = new Thread(() -> {
            try {
                outcome.complete(task.call());
            } catch (Throwable failure) {
                outcome.completeExceptionally(failure);
            }
        }, name);
        thread.setDaemon(true);
    }

    static <T> BackgroundTask<T> start(String name, Callable<T> task) {
        BackgroundTask<T> background = new BackgroundTask<>(name, task);
        background.thread.start();
        return background;
    }

    /** Waits until the task parks (waits for a lock) or has finished. */
    BackgroundTask<T> awaitBlocked() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            Thread.State state = thread.getState();
            return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || outcome.isDone();
        });
        return this;
    }

    T result() throws ExecutionException, InterruptedException {
        try {
            return outcome.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw stuck(e);
        }
    }

    /** Returns the failure of the task, waiting for it to end. */
    Throwable failure() throws InterruptedException {
        try {
            T value = outcome.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw stuck(e);
        }
    }

    private AssertionError stuck(TimeoutException e) {
        AssertionError error = new AssertionError(thread.getName() + " did not finish; it is " + thread.getState(), e);
        error.setStackTrace(thread.getStackTrace());
        return error;
    }

    boolean isDone() {
        return outcome.isDone();
    }

    void interrupt() {
        thread.interrupt();
    }
}
