package dev.filelock.benchmarks;

import java.nio.file.Path;
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

/** Runs the JMH benchmarks (ours and anchors together, in one JMH run) and returns each method's mean ns/op. */
final class JmhSuite {

    private final Map<String, Double> nanosPerOp;

    private JmhSuite(Map<String, Double> nanosPerOp) {
        this.nanosPerOp = nanosPerOp;
    }

    /**
     * Runs every benchmark of the given classes; a benchmark that throws is logged and left without a score, so only
     * its own row fails.
     *
     * @param log where JMH's own progress report goes, so stdout keeps only the table
     */
    static JmhSuite run(RunMode mode, List<Class<?>> benchmarkClasses, Path log) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .mode(Mode.AverageTime)
                .timeUnit(TimeUnit.NANOSECONDS)
                .forks(mode.jmhForks())
                .warmupIterations(mode.jmhWarmups())
                .warmupTime(TimeValue.milliseconds(mode.jmhIterationTime().toMillis()))
                .measurementIterations(mode.jmhIterations())
                .measurementTime(TimeValue.milliseconds(mode.jmhIterationTime().toMillis()))
                .jvmArgsAppend("-Xmx256m")
                .shouldFailOnError(false)
                .output(log.toString());
        for (Class<?> benchmarks : benchmarkClasses) {
            options.include("^" + Pattern.quote(benchmarks.getName()) + "\\.");
        }
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : new Runner(options.build()).run()) {
            String benchmark = result.getParams().getBenchmark();
            String key = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            scores.put(key, result.getPrimaryResult().getScore());
        }
        return new JmhSuite(scores);
    }

    /**
     * Returns the mean ns/op of {@code SimpleClassName.method}.
     *
     * @throws IllegalStateException if that benchmark did not run
     */
    double nanosPerOp(Class<?> benchmarks, String method) {
        Double score = nanosPerOp.get(benchmarks.getSimpleName() + "." + method);
        if (score == null || !Double.isFinite(score)) {
            throw new IllegalStateException("JMH produced no score for " + benchmarks.getSimpleName() + "." + method);
        }
        return score;
    }
}
