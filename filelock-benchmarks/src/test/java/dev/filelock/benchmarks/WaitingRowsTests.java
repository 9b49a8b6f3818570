package dev.filelock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitingRowsTests {

    private static final Duration SUBMIT = Duration.ofSeconds(10);

    private static final Duration GIVE_BACK = Duration.ofSeconds(5);

    @Test
    void pendingFuturesMeetTheGoalOnlyWhenEveryPartDoes() {
        WaitingRows.PendingFutures good = new WaitingRows.PendingFutures(10_000, 10_000, 2_000_000_000L, 3, 0,
                40_000_000L, 0);

        assertThat(good.met(SUBMIT, 64, GIVE_BACK)).isTrue();
        assertThat(new WaitingRows.PendingFutures(10_000, 4_000, 30_000_000_000L, 3, 0, 40_000_000L, 0).met(SUBMIT, 64,
                GIVE_BACK))
            .isFalse();
        assertThat(new WaitingRows.PendingFutures(10_000, 10_000, 2_000_000_000L, 65, 0, 40_000_000L, 0).met(SUBMIT, 64,
                GIVE_BACK))
            .isFalse();
        assertThat(new WaitingRows.PendingFutures(10_000, 10_000, 2_000_000_000L, 3, 1, 40_000_000L, 0).met(SUBMIT, 64,
                GIVE_BACK))
            .isFalse();
        assertThat(
                new WaitingRows.PendingFutures(10_000, 10_000, 2_000_000_000L, 3, 0, -1, 0).met(SUBMIT, 64, GIVE_BACK))
            .isFalse();
        assertThat(new WaitingRows.PendingFutures(10_000, 10_000, 2_000_000_000L, 3, 0, 40_000_000L, 1).met(SUBMIT, 64,
                GIVE_BACK))
            .isFalse();
    }

    @Test
    void aShortfallAndALeftoverHoldAreNamedInTheNote() {
        WaitingRows.PendingFutures partial = new WaitingRows.PendingFutures(10_000, 4_000, 30_000_000_000L, 3, 0, -1,
                2);

        assertThat(partial.describe()).contains("**not within 60 s** of cancel");
        assertThat(partial.note(Duration.ofSeconds(2))).contains("**only 4,000 of 10,000 submitted in 30 s**")
            .contains("**2 path(s) still held after cancel**");
    }

}
