package dev.filelock.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of one run in a form another JVM reads back: one tab-separated line per row
 * (what, ours, ratio, goal, verdict), written beside the Markdown table so that the
 * reference procedure can merge its runs without parsing Markdown.
 */
final class RunRecord {

    private static final String SEPARATOR = "\t";

    private RunRecord() {
    }

    /** Renders the rows, one line each. */
    static String write(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        for (Row row : rows) {
            out.append(field(row.what()))
                .append(SEPARATOR)
                .append(field(row.ours()))
                .append(SEPARATOR)
                .append(field(row.ratio()))
                .append(SEPARATOR)
                .append(field(row.goal()))
                .append(SEPARATOR)
                .append(row.verdict().name())
                .append('\n');
        }
        return out.toString();
    }

    /**
     * Reads rows written by {@link #write}; the anchor and note are not kept.
     * @throws IllegalArgumentException naming a line that is not a record of a row
     */
    static List<Row> read(String text) {
        List<Row> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(SEPARATOR, -1);
            if (fields.length != 5) {
                throw new IllegalArgumentException("not a row record (5 tab-separated fields): '" + line + "'");
            }
            rows.add(new Row(fields[0], fields[1], "", fields[2], fields[3], Verdict.valueOf(fields[4]), ""));
        }
        return rows;
    }

    private static String field(String text) {
        return text.replace('\t', ' ').replace('\n', ' ');
    }

}
