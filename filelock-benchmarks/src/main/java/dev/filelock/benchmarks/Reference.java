package dev.filelock.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The reference procedure of issue 15: {@code runs} full runs under each JDK, the JDKs
 * taking turns run by run, each run a JVM of that JDK (its children and JMH forks run on
 * the same JDK), and one table of the median ratio and verdict per JDK. The parts that
 * are not ratios against an anchor of the same run ({@link Suite.Part#ONCE_PER_JDK}) run
 * in the first run of each JDK only. The load average before each run is recorded, with a
 * warning above {@link #QUIET_LOAD}.
 *
 * <pre>
 * java -jar benchmarks.jar reference [--jdk=JAVA_HOME ...] [--runs=3] [--out=FILE] [--jfr=DIR]
 * </pre>
 */
final class Reference {

    /** The issue asks for a load average below this at the start of each run. */
    static final double QUIET_LOAD = 0.5;

    /** Java 25 as installed on the project's machines, the second column by default. */
    private static final Path DEFAULT_SECOND_JDK = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    private Reference() {
    }

    /**
     * The runs of one JDK: its label, its runs' rows and the load average before each.
     */
    record JdkRuns(String label, String version, List<Double> loads, List<List<Row>> runs) {
    }

    static void run(List<String> args, Path jar, Path defaultOutput) throws IOException, InterruptedException {
        List<Path> jdks = new ArrayList<>();
        int runs = 3;
        Path output = defaultOutput;
        Path jfr = null;
        RunMode mode = RunMode.FULL;
        Set<Suite.Part> parts = EnumSet.allOf(Suite.Part.class);
        for (String arg : args) {
            if (arg.startsWith("--jdk=")) {
                jdks.add(Path.of(arg.substring("--jdk=".length())));
            }
            else if (arg.startsWith("--runs=")) {
                runs = Integer.parseInt(arg.substring("--runs=".length()));
            }
            else if (arg.startsWith("--out=")) {
                output = Path.of(arg.substring("--out=".length()));
            }
            else if (arg.startsWith("--jfr=")) {
                jfr = Path.of(arg.substring("--jfr=".length())).toAbsolutePath();
            }
            else if (arg.startsWith("--mode=")) {
                mode = RunMode.parse(arg.substring("--mode=".length()));
            }
            else if (arg.startsWith("--only=")) {
                parts = Suite.Part.parse(arg.substring("--only=".length()));
            }
            else {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "' of reference: use --jdk=JAVA_HOME, --runs=N, --out=FILE, --jfr=DIR"
                        + " (and, to try the procedure itself, --mode=quick, --only=PART,...)");
            }
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        if (jdks.isEmpty()) {
            jdks.add(Path.of(System.getProperty("java.home")));
            if (Files.isDirectory(DEFAULT_SECOND_JDK) && !jdks.get(0).equals(DEFAULT_SECOND_JDK)) {
                jdks.add(DEFAULT_SECOND_JDK);
            }
        }
        Path runDirectory = output.resolveSibling(output.getFileName() + ".runs");
        Files.createDirectories(runDirectory);
        List<JdkRuns> results = new ArrayList<>();
        for (Path jdk : jdks) {
            String version = javaVersion(jdk);
            results
                .add(new JdkRuns("Java " + version.split("[.+-]")[0], version, new ArrayList<>(), new ArrayList<>()));
        }
        Instant started = Instant.now();
        long start = System.nanoTime();
        for (int run = 1; run <= runs; run++) {
            for (int index = 0; index < jdks.size(); index++) {
                Path jdk = jdks.get(index);
                JdkRuns jdkRuns = results.get(index);
                double load = loadAverage();
                jdkRuns.loads().add(load);
                if (load >= QUIET_LOAD) {
                    System.err.printf(Locale.ROOT,
                            "[reference] WARNING: load average %.2f before %s run %d (the issue asks for < %.1f)%n",
                            load, jdkRuns.label(), run, QUIET_LOAD);
                }
                String name = jdkRuns.label().replace(' ', '-').toLowerCase(Locale.ROOT) + "-run-" + run;
                Path table = runDirectory.resolve(name + ".md");
                List<String> command = new ArrayList<>(List.of(jdk.resolve("bin/java").toString()));
                if (jfr != null) {
                    Path recordings = Files.createDirectories(jfr.resolve(name));
                    command.add(Children.jfrOption(recordings.resolve("harness.jfr")));
                }
                command.addAll(List.of("-jar", jar.toString(), mode.name(), "--out=" + table));
                Set<Suite.Part> partsOfRun = (run == 1) ? parts : laterRuns(parts);
                if (partsOfRun.isEmpty()) {
                    continue;
                }
                if (!partsOfRun.equals(EnumSet.allOf(Suite.Part.class))) {
                    command.add("--only=" + ids(partsOfRun));
                }
                if (jfr != null) {
                    command.add("--jfr=" + jfr.resolve(name));
                }
                System.err.println("[reference] " + jdkRuns.label() + " run " + run + " of " + runs + ": "
                        + String.join(" ", command));
                Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
                int exit = process.waitFor();
                Path record = Main.recordOf(table);
                if (!Files.exists(record)) {
                    throw new IllegalStateException(
                            jdkRuns.label() + " run " + run + " exited with " + exit + " and wrote no " + record);
                }
                jdkRuns.runs().add(RunRecord.read(Files.readString(record)));
            }
        }
        String markdown = markdown(results, runs, started, Duration.ofNanos(System.nanoTime() - start));
        System.out.print(markdown);
        Files.writeString(output, markdown);
        System.err.println("[reference] table written to " + output + "; each run's table in " + runDirectory);
        boolean broken = results.stream()
            .flatMap(jdkRuns -> RunMerge.merge(jdkRuns.runs()).stream())
            .anyMatch(row -> row.verdict() == Verdict.FAILED);
        if (broken) {
            System.err.println("[reference] a row produced no figure in some run: the harness is broken");
            System.exit(1);
        }
    }

    /** The parts of a run after the first: those not measured once per JDK. */
    static Set<Suite.Part> laterRuns(Set<Suite.Part> parts) {
        Set<Suite.Part> later = EnumSet.noneOf(Suite.Part.class);
        later.addAll(parts);
        later.removeAll(Suite.Part.ONCE_PER_JDK);
        return later;
    }

    /** The parts as {@code --only} takes them. */
    static String ids(Set<Suite.Part> parts) {
        return parts.stream().map(Suite.Part::id).collect(Collectors.joining(","));
    }

    /**
     * The merged table: per row, each JDK's median ratio and verdict, then every run's
     * ratio.
     */
    static String markdown(List<JdkRuns> jdks, int runs, Instant started, Duration took) {
        StringBuilder out = new StringBuilder();
        out.append("Reference procedure: ")
            .append(runs)
            .append(" run(s) per JDK, started ")
            .append(started.truncatedTo(ChronoUnit.SECONDS))
            .append(", took ")
            .append(took.toSeconds())
            .append(" s; ")
            .append(Runtime.getRuntime().availableProcessors())
            .append(" CPUs. Rows measured once per JDK (not ratios against an anchor of the same run): ")
            .append(Suite.Part.ONCE_PER_JDK.stream().map(Suite.Part::id).sorted().collect(Collectors.joining(", ")))
            .append(".\n\n");
        for (JdkRuns jdk : jdks) {
            out.append("- ")
                .append(jdk.label())
                .append(" (")
                .append(jdk.version())
                .append("): load average before each run ")
                .append(jdk.loads()
                    .stream()
                    .map(load -> String.format(Locale.ROOT, load >= QUIET_LOAD ? "**%.2f**" : "%.2f", load))
                    .collect(Collectors.joining(", ")))
                .append('\n');
        }
        boolean loaded = jdks.stream().flatMap(jdk -> jdk.loads().stream()).anyMatch(load -> load >= QUIET_LOAD);
        if (loaded) {
            out.append("\n_Warning: a run started at a load average of ")
                .append(QUIET_LOAD)
                .append(" or more (in bold): not a quiet machine._\n");
        }
        out.append("\n| # | what | goal |");
        jdks.forEach(jdk -> out.append(' ')
            .append(jdk.label())
            .append(": median ratio | ")
            .append(jdk.label())
            .append(" verdict |"));
        out.append(" ours, median run (")
            .append(labels(jdks))
            .append(") | ratio per run (")
            .append(labels(jdks))
            .append(") |\n|---|---|---|");
        jdks.forEach(jdk -> out.append("---|---|"));
        out.append("---|---|\n");
        List<Map<String, RunMerge.Merged>> merged = new ArrayList<>();
        List<String> whats = new ArrayList<>();
        for (JdkRuns jdk : jdks) {
            Map<String, RunMerge.Merged> byWhat = new LinkedHashMap<>();
            for (RunMerge.Merged row : RunMerge.merge(jdk.runs())) {
                byWhat.put(row.what(), row);
                if (!whats.contains(row.what())) {
                    whats.add(row.what());
                }
            }
            merged.add(byWhat);
        }
        int number = 1;
        for (String what : whats) {
            List<String> goals = new ArrayList<>();
            merged.forEach(byWhat -> {
                RunMerge.Merged row = byWhat.get(what);
                if (row != null && !goals.contains(row.goal())) {
                    goals.add(row.goal());
                }
            });
            out.append("| ")
                .append(number++)
                .append(" | ")
                .append(cell(what))
                .append(" | ")
                .append(cell(String.join("; ", goals)))
                .append(" |");
            List<String> ours = new ArrayList<>();
            List<String> perRun = new ArrayList<>();
            for (Map<String, RunMerge.Merged> byWhat : merged) {
                RunMerge.Merged row = byWhat.get(what);
                if (row == null) {
                    out.append(" - | - |");
                    ours.add("-");
                    perRun.add("-");
                    continue;
                }
                out.append(' ').append(cell(row.ratio())).append(" | ").append(row.verdict().label()).append(" |");
                ours.add(row.ours());
                perRun.add(row.perRun().size() == 1 ? "once" : String.join(", ", row.perRun()));
            }
            out.append(' ')
                .append(cell(String.join(" / ", ours)))
                .append(" | ")
                .append(cell(String.join(" / ", perRun)))
                .append(" |\n");
        }
        return out.toString();
    }

    private static String labels(List<JdkRuns> jdks) {
        return jdks.stream().map(JdkRuns::label).collect(Collectors.joining(" / "));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** The JDK's version from its {@code release} file, such as {@code 25.0.1}. */
    private static String javaVersion(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (!Files.isExecutable(jdk.resolve("bin/java"))) {
            throw new IllegalArgumentException("no JDK at " + jdk + ": " + jdk.resolve("bin/java") + " is missing");
        }
        for (String line : Files.readAllLines(release)) {
            if (line.startsWith("JAVA_VERSION=")) {
                return line.substring("JAVA_VERSION=".length()).replace("\"", "");
            }
        }
        throw new IllegalArgumentException("no JAVA_VERSION in " + release);
    }

    /** The one-minute load average of the machine. */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

}
