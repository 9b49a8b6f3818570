package dev.filelock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for diagnostics tests: {@code hold <native|write|read> <path>} takes the lock, prints {@code held} and
 * keeps it until its standard input closes; {@code try <path>} makes one attempt at the native lock and prints {@code
 * acquired} or {@code busy}.
 */
final class LockHolderProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader output;

    private LockHolderProcess(Process process) {
        this.process = process;
        this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[args.length - 1]);
        if (args[0].equals("try")) {
            Optional<LockHold> hold = FileLock.of(path).tryAcquire();
            System.out.println(hold.isPresent() ? "acquired" : "busy");
            hold.ifPresent(LockHold::close);
            return;
        }
        LockHold hold = switch (args[1]) {
            case "write" -> ReadWriteFileLock.of(path).acquireWrite(Duration.ofSeconds(30));
            case "read" -> ReadWriteFileLock.of(path).acquireRead(Duration.ofSeconds(30));
            default -> FileLock.of(path).acquire(Duration.ofSeconds(30));
        };
        System.out.println("held");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold until the parent closes our input (or dies)
        }
        hold.close();
    }

    /** Starts a child that holds the lock, and returns once it does. */
    static LockHolderProcess holding(String type, Path path) throws IOException {
        LockHolderProcess child = start("hold", type, path.toString());
        child.expect("held");
        return child;
    }

    /** Runs a child that makes one attempt at the native lock, and returns its answer. */
    static String tryLockInChild(Path path) throws IOException, InterruptedException {
        try (LockHolderProcess child = start("try", path.toString())) {
            String answer = child.output.readLine();
            child.process.waitFor(30, TimeUnit.SECONDS);
            return answer;
        }
    }

    long pid() {
        return process.pid();
    }

    private static LockHolderProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), LockHolderProcess.class.getName()));
        command.addAll(List.of(args));
        return new LockHolderProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    private void expect(String line) throws IOException {
        String read = output.readLine();
        if (!line.equals(read)) {
            close();
            throw new IllegalStateException("child JVM said '" + read + "' instead of '" + line + "'");
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
