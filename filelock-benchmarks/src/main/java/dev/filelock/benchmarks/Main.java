package dev.filelock.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs every benchmark row of issue #8 and prints the results table; also writes it (and
 * JMH's log) next to the jar.
 *
 * <pre>
 * ./mvnw -B -q -pl filelock-benchmarks -am package -DskipTests
 * java -jar filelock-benchmarks/target/benchmarks.jar [full|quick] [--out=FILE] [--only=PART,...] [--jfr=DIR]
 * java -jar filelock-benchmarks/target/benchmarks.jar reference [--jdk=JAVA_HOME ...] [--runs=3] [--out=FILE] [--jfr=DIR]
 * </pre>
 *
 * <p>
 * {@code --only} (for work on one part; parts as in {@link Suite.Part}, such as
 * {@code contention}) runs a subset; the published table always comes from a run of
 * everything. {@code --jfr} records one JFR file per child JVM and JMH fork into a
 * directory. {@code reference} is the reference procedure ({@link Reference}): three full
 * runs per JDK and one merged table.
 *
 * <p>
 * Exits with 1 only when the harness could not produce a row's figure; a missed goal is
 * reported in the table, never as a failure.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the suite, or the reference procedure.
     * @param args the mode ({@code full}, the default, {@code quick} or
     * {@code reference}), then optionally {@code --out=FILE}, {@code --only=PART,...} and
     * {@code --jfr=DIR} (for {@code reference}: {@code --jdk}, {@code --runs},
     * {@code --out}, {@code --jfr})
     * @throws IOException if the results cannot be written
     * @throws InterruptedException if interrupted while a reference run runs
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length > 0 && args[0].equals("reference")) {
            Reference.run(List.of(args).subList(1, args.length), besideTheJar("benchmarks.jar"),
                    besideTheJar("benchmarks-reference.md"));
            return;
        }
        RunMode mode = RunMode.FULL;
        Path output = null;
        Set<Suite.Part> parts = EnumSet.allOf(Suite.Part.class);
        for (String arg : args) {
            if (arg.startsWith("--out=")) {
                output = Path.of(arg.substring("--out=".length()));
            }
            else if (arg.startsWith("--only=")) {
                parts = Suite.Part.parse(arg.substring("--only=".length()));
            }
            else if (arg.startsWith("--jfr=")) {
                Path recordings = Files.createDirectories(Path.of(arg.substring("--jfr=".length())).toAbsolutePath());
                Files.createDirectories(recordings.resolve("jmh"));
                System.setProperty(Children.JFR_PROPERTY, recordings.toString());
            }
            else {
                mode = RunMode.parse(arg);
            }
        }
        if (output == null) {
            output = besideTheJar("benchmarks-" + mode.name() + ".md");
        }
        Path jmhLog = output.resolveSibling(output.getFileName() + ".jmh");
        Path workDir = Files.createTempDirectory("filelock-benchmarks");
        Instant started = Instant.now();
        long start = System.nanoTime();
        List<Row> rows;
        try {
            rows = new Suite(mode, workDir, jmhLog, Main::progress).run(parts);
        }
        finally {
            deleteRecursively(workDir);
        }
        String table = Report.markdown(mode, rows, started, Duration.ofNanos(System.nanoTime() - start),
                parts.equals(EnumSet.allOf(Suite.Part.class)) ? "" : "only " + parts);
        System.out.print(table);
        Files.writeString(output, table);
        Files.writeString(recordOf(output), RunRecord.write(rows));
        progress("table written to " + output);

        long broken = rows.stream().filter(row -> row.verdict() == Verdict.FAILED).count();
        if (broken > 0) {
            progress(broken + " row(s) produced no figure: the harness is broken");
            System.exit(1);
        }
    }

    /** Where a run writes its rows for the reference procedure: beside its table. */
    static Path recordOf(Path table) {
        return table.resolveSibling(table.getFileName() + ".rows.tsv");
    }

    private static final long STARTED = System.nanoTime();

    private static void progress(String message) {
        System.err.printf("[benchmarks %4ds] %s%n", (System.nanoTime() - STARTED) / 1_000_000_000L, message);
    }

    /**
     * The directory holding the benchmarks jar (or the classes directory): the module's
     * {@code target/}.
     */
    private static Path besideTheJar(String fileName) {
        try {
            Path codeSource = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path directory = codeSource.toAbsolutePath().getParent();
            return (directory != null) ? directory.resolve(fileName) : Path.of(fileName);
        }
        catch (URISyntaxException | SecurityException e) {
            return Path.of(fileName);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

}
