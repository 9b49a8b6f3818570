package dev.filelock.spring.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of {@code FILELOCK_POSTGRES_DIR}, started by
 * {@code .ci/postgres.sh}, for tests that stop and restart it: without one they are
 * skipped (failed when {@code CI} is {@code true}).
 *
 * @param directory the cluster's directory, as {@code .ci/postgres.sh start} printed it
 */
public record PostgresCluster(Path directory) {

    private static final Path POSTGRES_SH = Path.of("..", ".ci", "postgres.sh");

    /**
     * Returns the cluster, or aborts the calling test (skipped locally, failed in CI)
     * when there is none of its own.
     * @param why what the test does to the server, for the message
     * @return the cluster
     */
    public static PostgresCluster require(String why) {
        String directory = System.getenv("FILELOCK_POSTGRES_DIR");
        if (directory != null && Files.isRegularFile(Path.of(directory, "options"))
                && Files.isExecutable(POSTGRES_SH)) {
            return new PostgresCluster(Path.of(directory));
        }
        String message = "This test " + why + ", so it needs a PostgreSQL server of its own started with "
                + "eval \"$(.ci/postgres.sh start)\" (FILELOCK_POSTGRES_DIR)";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: this test must run)");
        }
        Assumptions.abort(message);
        throw new IllegalStateException(message);
    }

    /**
     * Stops the server, keeping its data.
     * @throws IOException if the script cannot be run
     * @throws InterruptedException if interrupted while it runs
     */
    public void halt() throws IOException, InterruptedException {
        run("halt");
    }

    /**
     * Starts the halted server again, on the same port with the same data.
     * @throws IOException if the script cannot be run
     * @throws InterruptedException if interrupted while it runs
     */
    public void resume() throws IOException, InterruptedException {
        run("resume");
    }

    private void run(String action) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(POSTGRES_SH.toString(), action, this.directory.toString())
            .redirectErrorStream(true)
            .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(POSTGRES_SH + " " + action + " " + this.directory + " failed: " + output);
        }
    }
}
