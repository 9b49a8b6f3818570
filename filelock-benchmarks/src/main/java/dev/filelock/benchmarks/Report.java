package dev.filelock.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Renders the rows as the Markdown table {@code BENCHMARKS.md} records. */
final class Report {

    private Report() {
    }

    static String markdown(RunMode mode, List<Row> rows, Instant started, Duration took, String subset) {
        StringBuilder out = new StringBuilder();
        out.append("Mode `")
            .append(mode.name())
            .append("`, started ")
            .append(started.truncatedTo(ChronoUnit.SECONDS))
            .append(", took ")
            .append(took.toSeconds())
            .append(" s; ")
            .append(Runtime.getRuntime().availableProcessors())
            .append(" CPUs, Java ")
            .append(System.getProperty("java.version"))
            .append(", load average before the run ")
            .append(String.format(java.util.Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
            .append(".\n\n");
        if (!subset.isEmpty()) {
            out.append("_Partial run (").append(subset).append("): not a publishable table._\n\n");
        }
        if (mode.isQuick()) {
            out.append("_Quick mode: a smoke test of the harness. Its figures are too short to mean anything._\n\n");
        }
        out.append("| # | what | ours | anchor, same run | ratio | goal | verdict | note |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        int number = 1;
        for (Row row : rows) {
            out.append("| ")
                .append(number++)
                .append(" | ")
                .append(cell(row.what()))
                .append(" | ")
                .append(cell(row.ours()))
                .append(" | ")
                .append(cell(row.anchor()))
                .append(" | ")
                .append(cell(row.ratio()))
                .append(" | ")
                .append(cell(row.goal()))
                .append(" | ")
                .append(row.verdict().label())
                .append(" | ")
                .append(cell(row.note()))
                .append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

}
