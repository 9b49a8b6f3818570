package dev.filelock.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTests {

    @Test
    void durationsPickAReadableUnit() {
        assertThat(Units.duration(15.64)).isEqualTo("15.6 ns");
        assertThat(Units.duration(3_083)).isEqualTo("3.08 µs");
        assertThat(Units.duration(152_000)).isEqualTo("152.00 µs");
        assertThat(Units.duration(23_600_000)).isEqualTo("23.60 ms");
        assertThat(Units.duration(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void ratiosAndSharesAreFormattedTheSameOnEveryLocale() {
        assertThat(Units.ratio(1.234)).isEqualTo("1.23x");
        assertThat(Units.percent(0.0049)).isEqualTo("0.490%");
        assertThat(Units.perSecond(39_597.4)).isEqualTo("39,597 ops/s");
    }

    @Test
    void theCounterEncodingIsTwentyZeroPaddedDigits() {
        assertThat(new String(ContentionWorker.encode(42), java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo("00000000000000000042");
    }

}
