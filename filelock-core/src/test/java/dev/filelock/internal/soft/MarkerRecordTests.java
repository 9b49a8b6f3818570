package dev.filelock.internal.soft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.internal.soft.MarkerRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The soft read/write marker format, exactly as Python's strict parser accepts it. */
class MarkerRecordTests {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void writesTokenPidAndHostnameOnThreeLines() {
        MarkerRecord record = new MarkerRecord(TOKEN, 4242, "node-7.cluster");

        assertThat(new String(record.toBytes(), StandardCharsets.US_ASCII))
            .isEqualTo(TOKEN + "\n4242\nnode-7.cluster\n");
    }

    @Test
    void recordsOfThisProcessCarryAFreshTokenEachTime() {
        MarkerRecord first = MarkerRecord.forThisProcess();
        MarkerRecord second = MarkerRecord.forThisProcess();

        assertThat(first.token()).matches("[0-9a-f]{32}").isNotEqualTo(second.token());
        assertThat(first.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(MarkerRecord.parse(first.toBytes())).contains(first);
    }

    @ParameterizedTest
    @ValueSource(strings = { "\n4242\nhost\n", "\n4242\nhost", "\n4242\nhost\n\n\n", "\n2147483647\nh\n" })
    void acceptsWellFormedRecords(String afterToken) {
        assertThat(MarkerRecord.parse((TOKEN + afterToken).getBytes(StandardCharsets.US_ASCII))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "\n", TOKEN + "\n2147483648\nhost\n", TOKEN + "\n042\nhost\n", TOKEN + "\n42\n\n",
            TOKEN + "\n42\nho st\n", "0123456789ABCDEF0123456789ABCDEF\n42\nhost\n", TOKEN + "\n42\nhost\nextra\n",
            " " + TOKEN + "\n42\nhost\n", TOKEN + "\r\n42\r\nhost\r\n" })
    void rejectsAnythingElse(String content) {
        assertThat(MarkerRecord.parse(content.getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void rejectsOversizedAndNonAsciiContent() {
        String oversized = TOKEN + "\n42\n" + "h".repeat(1100) + "\n";
        assertThat(MarkerRecord.parse(oversized.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(MarkerRecord.parse((TOKEN + "\n42\nhöst\n").getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

}
