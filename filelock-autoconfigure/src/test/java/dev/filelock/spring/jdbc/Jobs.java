package dev.filelock.spring.jdbc;

import dev.filelock.LockMode;
import dev.filelock.spring.FileLocked;
import java.util.concurrent.CompletableFuture;

/** A bean with {@link FileLocked} methods for the JDBC backend tests. */
public class Jobs {

    @FileLocked(path = "jobs/#{#id}.lock", timeout = "0")
    public void run(String id, Runnable body) {
        body.run();
    }

    @FileLocked(path = "wait.lock", timeout = "1s")
    public void waitBriefly(Runnable body) {
        body.run();
    }

    @FileLocked(path = "wait.lock", timeout = "10s")
    public void waitLong(Runnable body) {
        body.run();
    }

    @FileLocked(path = "report.lock", mode = LockMode.READ, timeout = "0")
    public void read(Runnable body) {
        body.run();
    }

    @FileLocked(path = "async.lock", timeout = "0")
    public CompletableFuture<String> async(CompletableFuture<String> result) {
        return result;
    }

}
