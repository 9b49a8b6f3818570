package dev.filelock.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges the runs of one JDK row by row: the median of each ratio over the runs that
 * measured the row, and the verdict of the run whose (first) ratio is that median; a row
 * without a ratio keeps its worst verdict, and a row that failed in any run fails.
 */
final class RunMerge {

    private static final Pattern RATIO = Pattern.compile("(\\d+(?:\\.\\d+)?)x");

    /** Worst first: a failure outweighs a miss, a miss a met goal. */
    private static final List<Verdict> SEVERITY = List.of(Verdict.FAILED, Verdict.MISSED, Verdict.SKIPPED,
            Verdict.PENDING, Verdict.MET, Verdict.REPORTED);

    private RunMerge() {
    }

    /**
     * One row over the runs of one JDK.
     *
     * @param ratio the ratio text of the median run with each ratio replaced by its
     * median over the runs
     * @param ours our figure in the median run
     * @param perRun the first ratio of each run that measured the row, in run order
     */
    record Merged(String what, String goal, String ours, String ratio, Verdict verdict, List<String> perRun) {
    }

    /**
     * Merges the runs (each a list of rows) of one JDK, rows in order of first
     * appearance.
     */
    static List<Merged> merge(List<List<Row>> runs) {
        Map<String, List<Row>> byWhat = new LinkedHashMap<>();
        for (List<Row> run : runs) {
            for (Row row : run) {
                byWhat.computeIfAbsent(row.what(), what -> new ArrayList<>()).add(row);
            }
        }
        List<Merged> merged = new ArrayList<>();
        byWhat.values().forEach(rows -> merged.add(mergeRow(rows)));
        return merged;
    }

    private static Merged mergeRow(List<Row> rows) {
        List<String> perRun = rows.stream().map(row -> firstRatio(row).map(Units::ratio).orElse("-")).toList();
        Row first = rows.get(0);
        if (rows.stream().anyMatch(row -> row.verdict() == Verdict.FAILED)) {
            Row failed = rows.stream().filter(row -> row.verdict() == Verdict.FAILED).findFirst().orElse(first);
            return new Merged(first.what(), failed.goal(), "-", "-", Verdict.FAILED, perRun);
        }
        if (rows.stream().anyMatch(row -> ratios(row).isEmpty())) {
            Row worst = rows.stream()
                .min(Comparator.comparingInt(row -> SEVERITY.indexOf(row.verdict())))
                .orElse(first);
            return new Merged(first.what(), worst.goal(), worst.ours(), worst.ratio(), worst.verdict(), perRun);
        }
        double medianFirst = Stats.of(rows.stream().map(row -> ratios(row).get(0)).toList()).median();
        Row medianRun = rows.stream().filter(row -> ratios(row).get(0) == medianFirst).findFirst().orElse(first);
        int positions = rows.stream().mapToInt(row -> ratios(row).size()).min().orElse(0);
        List<Double> medians = new ArrayList<>();
        for (int i = 0; i < positions; i++) {
            int position = i;
            medians.add(Stats.of(rows.stream().map(row -> ratios(row).get(position)).toList()).median());
        }
        return new Merged(first.what(), medianRun.goal(), medianRun.ours(), replaceRatios(medianRun.ratio(), medians),
                medianRun.verdict(), perRun);
    }

    /**
     * The ratios a row's ratio text contains, such as 9.27 and 0.80 in "9.27x (medians),
     * 0.80x (p99)".
     */
    static List<Double> ratios(Row row) {
        List<Double> ratios = new ArrayList<>();
        Matcher matcher = RATIO.matcher(row.ratio());
        while (matcher.find()) {
            ratios.add(Double.parseDouble(matcher.group(1)));
        }
        return ratios;
    }

    private static java.util.Optional<Double> firstRatio(Row row) {
        List<Double> ratios = ratios(row);
        return ratios.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(ratios.get(0));
    }

    private static String replaceRatios(String text, List<Double> medians) {
        Matcher matcher = RATIO.matcher(text);
        StringBuilder out = new StringBuilder();
        int index = 0;
        while (matcher.find()) {
            String replacement = (index < medians.size()) ? Units.ratio(medians.get(index)) : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
            index++;
        }
        matcher.appendTail(out);
        return out.toString();
    }

}
