package dev.filelock.testing.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the shared log of a fuzz run as it grows and checks the lock's promise on it: no writer inside together with
 * anyone, no lost update of the counter, a participant's threads and descriptors bounded.
 *
 * <p>Overlaps are seen in two ways: by the order of the lines (an enter while another section is open), and by the
 * clock, which all participants read from the same {@code CLOCK_MONOTONIC} (Java's {@link System#nanoTime()},
 * Python's {@code time.monotonic_ns()}): a section is entered after acquiring and left before releasing, so with a
 * working lock no writer enters before the last exit in the log, nor a reader before the last writer's exit.
 *
 * <p>Lines ({@link FuzzParticipant} writes all but the last, the fuzzer the last): {@code ENTER label op W|R value
 * nanos}, {@code EXIT label op W|R value nanos}, {@code DIAGNOSE label op} and {@code FORCE label op} (diagnostics
 * and a forced release, about to be called), {@code RES label fds threads nanos}, {@code FAIL label message} and
 * {@code KILLED label}. A killed participant's open section ends at its {@code KILLED} line, which the fuzzer appends
 * while the participant is stopped (so after its last line, and while it still holds its locks); as the kill may have
 * come before or after its counter write, the next section may find the counter one higher than the last exit.
 */
final class SectionLog {

    /** How many more descriptors than after its first second a participant may have open. */
    static final int DESCRIPTOR_GROWTH_BOUND = 64;

    /** How many more threads than after its first second a participant may run. */
    static final int THREAD_GROWTH_BOUND = 32;

    /** Resource reports skipped before the baseline (half a second apart): class loading opens jars. */
    private static final int WARM_UP_REPORTS = 2;

    private final Path file;
    private long offset;
    private final StringBuilder partialLine = new StringBuilder();
    private final Deque<String> recent = new ArrayDeque<>();
    private final Map<String, Section> inside = new LinkedHashMap<>();
    private final Map<String, long[]> baselines = new HashMap<>();
    private final Map<String, Integer> reports = new HashMap<>();
    private long counter;
    private boolean killedWriterMayHaveWritten;
    private long sections;
    private long lastEnterNanos = System.nanoTime();

    private @Nullable Exit lastExit;
    private @Nullable Exit lastWriterExit;

    private record Section(String label, boolean write, long value) {}

    /** When (the participants' shared monotonic clock: {@code CLOCK_MONOTONIC}) a section was about to be left. */
    private record Exit(String key, long nanos) {}

    SectionLog(Path file) {
        this.file = file;
    }

    /**
     * Checks the lines appended since the last call.
     *
     * @throws AssertionError on a broken promise, with the recent lines
     */
    void readNew() {
        for (String line : newLines()) {
            if (!line.startsWith("RES ")) {
                recent.addLast(line);
                if (recent.size() > 40) {
                    recent.removeFirst();
                }
            }
            check(line.split(" "));
        }
    }

    /** The number of critical sections entered so far. */
    long sections() {
        return sections;
    }

    /** When (the reader's {@link System#nanoTime()}) this reader last saw a section begin. */
    long lastEnterNanos() {
        return lastEnterNanos;
    }

    /** The last lines read, but resource reports, for failure messages. */
    String recentLines() {
        return String.join("\n", recent);
    }

    /**
     * Checks the counter file once every participant is gone.
     *
     * @param value the counter file's final value
     */
    void checkFinalCounter(long value) {
        if (value != counter && !(killedWriterMayHaveWritten && value == counter + 1)) {
            violation("lost update: the counter file ends at " + value + " but the last section wrote " + counter);
        }
    }

    private void check(String[] f) {
        switch (f[0]) {
            case "ENTER" -> enter(f[1] + " " + f[2], f[3].equals("W"), Long.parseLong(f[4]), Long.parseLong(f[5]));
            case "EXIT" -> exit(f[1] + " " + f[2], Long.parseLong(f[4]), Long.parseLong(f[5]));
            case "KILLED" -> killed(f[1]);
            case "RES" -> resources(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]));
            case "DIAGNOSE", "FORCE" -> {
                // a participant's diagnostics or forced release: kept among the recent lines, as evidence for a failure
            }
            case "FAIL" -> violation("participant " + f[1] + " failed (see its stderr below)");
            default -> violation("unreadable log line");
        }
    }

    private void enter(String key, boolean write, long value, long nanos) {
        sections++;
        lastEnterNanos = System.nanoTime();
        boolean writerInside = inside.values().stream().anyMatch(Section::write);
        if (write ? !inside.isEmpty() : writerInside) {
            violation("overlap: " + key + (write ? " (writer)" : " (reader)") + " entered while " + inside.keySet()
                    + " inside");
        }
        // The log's order can hide an overlap that the clock shows (lines are appended after the clock is read).
        Exit conflicting = write ? lastExit : lastWriterExit;
        if (conflicting != null && nanos < conflicting.nanos()) {
            violation("overlap: " + key + (write ? " (writer)" : " (reader)") + " entered "
                    + (conflicting.nanos() - nanos) / 1000 + " µs before " + conflicting.key() + " left");
        }
        if (value == counter + 1 && killedWriterMayHaveWritten) {
            counter = value; // the killed writer's increment landed
        } else if (value != counter) {
            violation("lost update: " + key + " read " + value + " but the last section wrote " + counter);
        }
        killedWriterMayHaveWritten = false;
        inside.put(key, new Section(key.split(" ")[0], write, value));
    }

    private void exit(String key, long value, long nanos) {
        Section section = inside.remove(key);
        if (section == null) {
            violation("exit without enter: " + key);
            return;
        }
        if (lastExit == null || nanos > lastExit.nanos()) {
            lastExit = new Exit(key, nanos);
        }
        if (section.write()) {
            counter = value;
            lastWriterExit = lastWriterExit == null || nanos > lastWriterExit.nanos() ? new Exit(key, nanos)
                    : lastWriterExit;
        }
    }

    private void killed(String label) {
        inside.values().removeIf(section -> {
            if (section.label().equals(label) && section.write()) {
                killedWriterMayHaveWritten = true;
            }
            return section.label().equals(label);
        });
    }

    private void resources(String label, long fds, long threads) {
        int seen = reports.merge(label, 1, Integer::sum);
        if (seen <= WARM_UP_REPORTS) {
            return;
        }
        long[] baseline = baselines.computeIfAbsent(label, l -> new long[] {fds, threads});
        if (fds > baseline[0] + DESCRIPTOR_GROWTH_BOUND || threads > baseline[1] + THREAD_GROWTH_BOUND) {
            violation("resource growth in " + label + ": " + fds + " descriptors and " + threads + " threads, after "
                    + baseline[0] + " and " + baseline[1] + " at the start (bounds +" + DESCRIPTOR_GROWTH_BOUND
                    + " and +" + THREAD_GROWTH_BOUND + ")");
        }
    }

    /**
     * Fails with the recent lines of the log.
     *
     * @param what the broken promise
     * @throws AssertionError always
     */
    void violation(String what) {
        throw new AssertionError(what + "\n--- last lines of the section log\n" + recentLines());
    }

    private List<String> newLines() {
        byte[] bytes;
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            var buffer = java.nio.ByteBuffer.allocate((int) (size - offset));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read until the size seen at the start
            }
            bytes = buffer.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        offset += bytes.length;
        partialLine.append(new String(bytes, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        int end;
        while ((end = partialLine.indexOf("\n")) >= 0) {
            lines.add(partialLine.substring(0, end));
            partialLine.delete(0, end + 1);
        }
        return lines;
    }
}
