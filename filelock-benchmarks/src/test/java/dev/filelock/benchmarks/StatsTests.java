package dev.filelock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTests {

    @Test
    void percentilesUseTheNearestRank() {
        Stats stats = Stats.of(LongStream.rangeClosed(1, 100).boxed().toList());

        assertThat(stats.median()).isEqualTo(50);
        assertThat(stats.percentile(99)).isEqualTo(99);
        assertThat(stats.percentile(100)).isEqualTo(100);
        assertThat(stats.max()).isEqualTo(100);
        assertThat(stats.count()).isEqualTo(100);
    }

    @Test
    void orderOfTheSamplesDoesNotMatter() {
        assertThat(Stats.of(List.of(9, 1, 5)).median()).isEqualTo(5);
    }

    @Test
    void refusesAnEmptySample() {
        assertThatIllegalArgumentException().isThrownBy(() -> Stats.of(List.of())).withMessage("no samples");
    }

}
