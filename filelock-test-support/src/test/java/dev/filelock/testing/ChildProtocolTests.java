package dev.filelock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The one child protocol end to end: a real child JVM driven by {@link ChildJvm} and
 * {@link ChildProcess}.
 */
class ChildProtocolTests {

    @Test
    void repliesCarryDataSkipOtherOutputAndSurviveFailures() {
        try (ChildProcess child = ChildJvm.start("protocol", ProtocolChild.class).awaitReady()) {
            assertThat(child.call("echo a  b")).isEqualTo("a b");
            assertThat(child.call("nothing")).isEmpty();
            assertThat(child.call("chatter")).isEqualTo("after chatter");
            assertThatThrownBy(() -> child.call("fail")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ERR java.lang.IllegalStateException: asked to fail on two lines");
            assertThatThrownBy(() -> child.call("unknown")).hasMessageContaining("ERR unknown command 'unknown'");
            assertThat(child.call("echo still answering")).isEqualTo("still answering");
            assertThat(child.findLine("a log line")).isPresent();
            assertThat(child.call("quit")).isEmpty();
            assertThat(child.awaitExit()).isZero();
        }
    }

    @Test
    void aCommandThatNeverReturnsFailsTheWaitAtItsBound() {
        try (ChildProcess child = ChildJvm.start("protocol", ProtocolChild.class).awaitReady()) {
            child.send("block");
            assertThatThrownBy(() -> child.reply(Duration.ofMillis(300))).hasMessageContaining("no reply within");
            child.kill();
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void timestampsTravelInTheReplyAndCompareAcrossProcesses() {
        try (ChildProcess child = ChildJvm.start("protocol", ProtocolChild.class).awaitReady()) {
            long before = System.nanoTime();
            long childNanos = Long.parseLong(child.call("nanos"));
            long after = System.nanoTime();
            // CLOCK_MONOTONIC is one clock for every process of the machine: an ordering,
            // not a timing assertion.
            assertThat(childNanos).isBetween(before, after);
        }
    }

    @Test
    void aSuspendedChildAnswersOnlyOnceResumed() {
        try (ChildProcess child = ChildJvm.start("protocol", ProtocolChild.class).awaitReady()) {
            child.suspend();
            child.send("echo late");
            assertThatThrownBy(() -> child.reply(Duration.ofMillis(300))).isInstanceOf(IllegalStateException.class);
            child.resume();
            assertThat(child.reply()).isEqualTo("late");
        }
    }

    @Test
    void aChildThatExitsFailsTheWaitWithItsOutput() {
        try (ChildProcess child = ChildJvm.start("protocol", ProtocolChild.class).awaitReady()) {
            child.kill();
            assertThatThrownBy(child::reply).hasMessageContaining("before exit")
                .hasMessageContaining("a log line before the loop");
        }
    }

}
