package dev.filelock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunMergeTests {

    @Test
    void theMedianRatioIsTakenPositionByPositionAndTheVerdictIsTheMedianRunsOwn() {
        List<List<Row>> runs = List.of(List.of(handoff("3.00x (medians), 1.10x (p99)", Verdict.MISSED)),
                List.of(handoff("1.90x (medians), 1.60x (p99)", Verdict.MISSED)),
                List.of(handoff("1.80x (medians), 1.20x (p99)", Verdict.MET)));

        RunMerge.Merged merged = RunMerge.merge(runs).get(0);

        assertThat(merged.ratio()).isEqualTo("1.90x (medians), 1.20x (p99)");
        assertThat(merged.verdict()).isEqualTo(Verdict.MISSED);
        assertThat(merged.ours()).isEqualTo("ours 1.90x (medians), 1.60x (p99)");
        assertThat(merged.perRun()).containsExactly("3.00x", "1.90x", "1.80x");
    }

    @Test
    void aRowMeasuredOnceKeepsItsOwnFiguresAndARowWithoutRatioItsWorstVerdict() {
        Row once = new Row("registry", "heap", "", "0.71x (CPU)", "O(1)", Verdict.MET, "");
        Row cpuMet = new Row("cpu", "0.2%", "", "-", "<= 1%", Verdict.MET, "");
        Row cpuMissed = new Row("cpu", "3%", "", "-", "<= 1%", Verdict.MISSED, "");

        List<RunMerge.Merged> merged = RunMerge.merge(List.of(List.of(once, cpuMet), List.of(cpuMissed)));

        assertThat(merged).extracting(RunMerge.Merged::what).containsExactly("registry", "cpu");
        assertThat(merged.get(0).ratio()).isEqualTo("0.71x (CPU)");
        assertThat(merged.get(0).perRun()).containsExactly("0.71x");
        assertThat(merged.get(1).verdict()).isEqualTo(Verdict.MISSED);
        assertThat(merged.get(1).ours()).isEqualTo("3%");
    }

    @Test
    void aRowThatFailedInAnyRunFails() {
        Row met = new Row("uncontended", "5 µs", "", "1.50x", "<= 1.6x", Verdict.MET, "");
        Row failed = Row.failed("uncontended", "<= 1.6x", new IllegalStateException("JMH produced no score"));

        RunMerge.Merged merged = RunMerge.merge(List.of(List.of(met), List.of(failed), List.of(met))).get(0);

        assertThat(merged.verdict()).isEqualTo(Verdict.FAILED);
    }

    @Test
    void theReferenceTableGivesEachJdkItsMedianRatioVerdictAndGoal() {
        Reference.JdkRuns java17 = new Reference.JdkRuns("Java 17", "17.0.15", List.of(0.2, 0.3, 0.7),
                List.of(List.of(uncontended("1.70x", "<= 1.8x (goal on Java 17)", Verdict.MET)),
                        List.of(uncontended("1.90x", "<= 1.8x (goal on Java 17)", Verdict.MISSED)),
                        List.of(uncontended("1.75x", "<= 1.8x (goal on Java 17)", Verdict.MET))));
        Reference.JdkRuns java25 = new Reference.JdkRuns("Java 25", "25.0.3", List.of(0.1, 0.1, 0.1),
                List.of(List.of(uncontended("1.70x", "<= 1.6x (goal on Java 25)", Verdict.MISSED)),
                        List.of(uncontended("1.50x", "<= 1.6x (goal on Java 25)", Verdict.MET)),
                        List.of(uncontended("1.55x", "<= 1.6x (goal on Java 25)", Verdict.MET))));

        String table = Reference.markdown(List.of(java17, java25), 3, Instant.EPOCH, Duration.ofMinutes(28));

        assertThat(table).contains("| 1 | Uncontended | <= 1.8x (goal on Java 17); <= 1.6x (goal on Java 25) | "
                + "1.75x | met | 1.55x | met | ours 1.75x / ours 1.55x | 1.70x, 1.90x, 1.75x / 1.70x, 1.50x, 1.55x |");
        assertThat(table).contains("Java 17 (17.0.15): load average before each run 0.20, 0.30, **0.70**")
            .contains("_Warning: a run started at a load average of 0.5 or more");
    }

    @Test
    void laterRunsLeaveOutThePartsMeasuredOncePerJdk() {
        java.util.Set<Suite.Part> later = Reference.laterRuns(java.util.EnumSet.allOf(Suite.Part.class));

        assertThat(Suite.Part.parse(Reference.ids(later))).isEqualTo(later)
            .doesNotContainAnyElementsOf(Suite.Part.ONCE_PER_JDK)
            .contains(Suite.Part.JMH, Suite.Part.PROCESS_HANDOFF, Suite.Part.CONTENTION);
    }

    @Test
    void theUncontendedGoalDependsOnTheJdk() {
        assertThat(JmhRows.uncontendedGoal(17)).isEqualTo(1.8);
        assertThat(JmhRows.uncontendedGoal(21)).isEqualTo(1.8);
        assertThat(JmhRows.uncontendedGoal(25)).isEqualTo(1.6);
    }

    @Test
    void aRunRecordReadsBackWhatTheMergeNeeds() {
        Row row = new Row("a\tb", "3.00 µs", "anchor", "1.50x", "<= 1.6x", Verdict.MET, "note");

        List<Row> read = RunRecord
            .read(RunRecord.write(List.of(row, Row.failed("c", "goal", new RuntimeException("x")))));

        assertThat(read).hasSize(2);
        assertThat(read.get(0)).extracting(Row::what, Row::ours, Row::ratio, Row::goal, Row::verdict)
            .containsExactly("a b", "3.00 µs", "1.50x", "<= 1.6x", Verdict.MET);
        assertThat(read.get(1).verdict()).isEqualTo(Verdict.FAILED);
    }

    private static Row handoff(String ratio, Verdict verdict) {
        return new Row("handoff", "ours " + ratio, "", ratio, "median <= 2x raw", verdict, "");
    }

    private static Row uncontended(String ratio, String goal, Verdict verdict) {
        return new Row("Uncontended", "ours " + ratio, "", ratio, goal, verdict, "");
    }

}
