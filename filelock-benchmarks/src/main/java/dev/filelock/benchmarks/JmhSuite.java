package dev.filelock.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks, ours and anchors together, in rounds (each round runs every
 * method once, in its own fork, an anchor right before our method), and returns each
 * method's median ns/op over the rounds, so a burst of load on a shared machine hits one
 * round of both sides rather than one side only.
 */
final class JmhSuite {

    private final Map<String, List<Double>> nanosPerOp;

    private JmhSuite(Map<String, List<Double>> nanosPerOp) {
        this.nanosPerOp = nanosPerOp;
    }

    /**
     * Runs every benchmark of the given classes; a benchmark that throws is logged and
     * left without a score, so only its own row fails.
     * @param log where JMH's own progress report goes (one file per round, this name plus
     * {@code -round-N.log}), so stdout keeps only the table
     */
    static JmhSuite run(RunMode mode, List<Class<?>> benchmarkClasses, Path log) throws RunnerException {
        if (mode == RunMode.QUICK) {
            // JMH refuses to start while another JMH run holds its machine-wide lock; a
            // smoke run proves that the
            // harness works, its figures mean nothing, so it need not wait for (or fail
            // because of) someone else's run.
            System.setProperty("jmh.ignoreLock", "true");
        }
        ChainedOptionsBuilder options = new OptionsBuilder().mode(Mode.AverageTime)
            .timeUnit(TimeUnit.NANOSECONDS)
            .forks(mode.jmhForks())
            .warmupIterations(mode.jmhWarmups())
            .warmupTime(TimeValue.milliseconds(mode.jmhIterationTime().toMillis()))
            .measurementIterations(mode.jmhIterations())
            .measurementTime(TimeValue.milliseconds(mode.jmhIterationTime().toMillis()))
            .jvmArgsAppend(forkOptions())
            .shouldFailOnError(false);
        for (Class<?> benchmarks : benchmarkClasses) {
            options.include("^" + Pattern.quote(benchmarks.getName()) + "\\.");
        }
        Map<String, List<Double>> scores = new HashMap<>();
        for (int round = 0; round < mode.jmhRounds(); round++) {
            options.output(log.resolveSibling(log.getFileName() + "-round-" + (round + 1) + ".log").toString());
            for (RunResult result : new Runner(options.build()).run()) {
                String benchmark = result.getParams().getBenchmark();
                String key = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
                scores.computeIfAbsent(key, k -> new ArrayList<>()).add(result.getPrimaryResult().getScore());
            }
        }
        return new JmhSuite(scores);
    }

    /**
     * The options of each fork: a fixed heap, and a JFR recording under {@code --jfr}.
     */
    private static String[] forkOptions() {
        Path jfr = Children.jfrDirectory();
        return (jfr == null) ? new String[] { "-Xmx256m" }
                : new String[] { "-Xmx256m", Children.jfrOption(jfr.resolve("jmh")) };
    }

    /**
     * Returns the median over the rounds of the mean ns/op of
     * {@code SimpleClassName.method}.
     * @throws IllegalStateException if that benchmark did not run
     */
    double nanosPerOp(Class<?> benchmarks, String method) {
        List<Double> scores = nanosPerOp.getOrDefault(benchmarks.getSimpleName() + "." + method, List.of());
        if (scores.isEmpty() || !scores.stream().allMatch(Double::isFinite)) {
            throw new IllegalStateException(
                    "JMH produced no score for " + benchmarks.getSimpleName() + "." + method + " (see the JMH log)");
        }
        return Stats.of(scores).median();
    }

}
