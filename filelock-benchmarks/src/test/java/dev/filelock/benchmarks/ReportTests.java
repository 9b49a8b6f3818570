package dev.filelock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTests {

    @Test
    void rendersOneTableLinePerRowWithThePipesOfTheTextEscaped() {
        Row row = new Row("flock(LOCK_EX|LOCK_NB)", "3.00 µs", "2.00 µs", "1.50x", "<= 1.6x", Verdict.MET, "");

        String table = Report.markdown(RunMode.FULL, List.of(row), Instant.EPOCH, Duration.ofSeconds(1), "");

        assertThat(table).contains("| 1 | flock(LOCK_EX\\|LOCK_NB) | 3.00 µs | 2.00 µs | 1.50x | <= 1.6x | met |  |\n");
        assertThat(table).doesNotContain("Quick mode").doesNotContain("Partial run");
    }

    @Test
    void marksQuickAndPartialRunsAsNotPublishable() {
        String table = Report.markdown(RunMode.QUICK, List.of(), Instant.EPOCH, Duration.ZERO, "only [JMH]");

        assertThat(table).contains("Quick mode: a smoke test").contains("Partial run (only [JMH])");
    }

    @Test
    void aFailedRowCarriesTheReasonOnOneLine() {
        Row row = Row.failed("x", "goal", new IllegalStateException("child exited\nwith | status 1"));

        assertThat(row.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(row.note()).isEqualTo("IllegalStateException: child exited with / status 1");
    }

}
