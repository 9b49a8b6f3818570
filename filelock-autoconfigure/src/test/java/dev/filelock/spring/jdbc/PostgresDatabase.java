package dev.filelock.spring.jdbc;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the JDBC backend tests, named by
 * {@code FILELOCK_POSTGRES_URL}, {@code _USER} and {@code
 * _PASSWORD} ({@code .ci/postgres.sh start} prints them). Without them the tests are
 * skipped, or fail when {@code CI} is {@code true}, because CI must run them for real.
 *
 * @param url the JDBC URL
 * @param user the user name
 * @param password the password
 */
public record PostgresDatabase(String url, String user, String password) {

    /**
     * Returns the server, or aborts the calling test (skipped locally, failed in CI) when
     * it is not configured.
     * @return the server
     */
    public static PostgresDatabase require() {
        String url = System.getenv("FILELOCK_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            String message = "FILELOCK_POSTGRES_URL is not set, so the PostgreSQL tests of filelock.backend=jdbc cannot "
                    + "run; start a server with: eval \"$(.ci/postgres.sh start)\"";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: these tests must run)");
            }
            Assumptions.abort(message);
        }
        return new PostgresDatabase(url, envOr("FILELOCK_POSTGRES_USER", "filelock"),
                envOr("FILELOCK_POSTGRES_PASSWORD", ""));
    }

    /**
     * Returns a region of its own for one test, so that tests sharing the database never
     * see each other's rows.
     * @return a fresh region name
     */
    public static String newRegion() {
        return "test-" + UUID.randomUUID();
    }

    /**
     * Returns the Spring properties that connect an application to this server and create
     * the schema if missing, in {@code key=value} form ({@code filelock.backend} is left
     * to the caller).
     * @param region the lock region
     * @return the properties
     */
    public List<String> properties(String region) {
        return List.of("spring.datasource.url=" + this.url, "spring.datasource.username=" + this.user,
                "spring.datasource.password=" + this.password, "filelock.jdbc.initialize-schema=always",
                "filelock.jdbc.region=" + region);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return (value != null) ? value : fallback;
    }
}
