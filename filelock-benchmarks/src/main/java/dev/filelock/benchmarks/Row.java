package dev.filelock.benchmarks;

import java.util.Objects;

/**
 * One line of the results table: what was measured, our figure, the anchor's figure from
 * the same run, their ratio, the goal and the verdict.
 */
record Row(String what, String ours, String anchor, String ratio, String goal, Verdict verdict, String note) {

    Row {
        Objects.requireNonNull(what);
        Objects.requireNonNull(verdict);
    }

    /**
     * A row whose implementation has not landed; it produces no figure and does not break
     * the run.
     */
    static Row pending(String what, String goal, String waitingFor) {
        return new Row(what, "-", "-", "-", goal, Verdict.PENDING, "waiting for " + waitingFor);
    }

    /** A row whose measurement threw: the harness is broken. */
    static Row failed(String what, String goal, Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return new Row(what, "-", "-", "-", goal, Verdict.FAILED, reason.replace('|', '/').replace('\n', ' '));
    }
}
