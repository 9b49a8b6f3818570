package dev.filelock.benchmarks;

/** How a row compares with its goal. */
enum Verdict {

    /** The goal is met. */
    MET("met"),

    /** The goal is missed; the row's note says by how much and why. */
    MISSED("**missed**"),

    /** The row has no pass/fail goal; its figures are reported. */
    REPORTED("reported"),

    /**
     * The row needs something this machine lacks (named in its note); under
     * {@code CI=true} it fails instead.
     */
    SKIPPED("skipped"),

    /** The implementation the row measures has not landed yet. */
    PENDING("pending"),

    /** The harness failed to produce a figure: the run is broken. */
    FAILED("**harness failed**");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static Verdict of(boolean met) {
        return met ? MET : MISSED;
    }

}
