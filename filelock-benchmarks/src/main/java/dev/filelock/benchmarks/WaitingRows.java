package dev.filelock.benchmarks;

import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The rows of issue 15 about waiters: many pending {@code acquireAsync} futures on paths
 * another process holds, and a waiter in another process while threads of one JVM pass
 * the lock between them.
 */
final class WaitingRows {

    /**
     * The bound DESIGN.md states for a raw {@code flock} waiter in another process while
     * the in-JVM handover keeps the OS lock; change it here when the stated bound
     * changes.
     */
    static final Duration FOREIGN_RAW_BOUND = Duration.ofMillis(500);

    /**
     * The same bound for Python's filelock, which polls every 50 ms and so only sees the
     * lock free at a poll.
     */
    static final Duration FOREIGN_PYTHON_BOUND = Duration.ofMillis(575);

    private static final int CONTENDED_PATHS = 10;

    /** The goals of the pending-futures row (issue 15). */
    private static final Duration SUBMIT_GOAL = Duration.ofSeconds(10);

    private static final int EXTRA_THREADS_GOAL = 64;

    private static final Duration GIVE_BACK_GOAL = Duration.ofSeconds(5);

    /**
     * Stops submitting after this long: at three times the goal the row is missed anyway,
     * and the library of issue 15's start needed 379 s for 10,000 futures.
     */
    private static final Duration SUBMIT_DEADLINE = Duration.ofSeconds(30);

    private final RunMode mode;

    private final Path workDir;

    WaitingRows(RunMode mode, Path workDir) {
        this.mode = mode;
        this.workDir = workDir;
    }

    Row pendingFuturesRow() {
        String what = String.format(Locale.ROOT, "%,d pending acquireAsync futures on %d contended paths",
                mode.pendingFutures(), CONTENDED_PATHS);
        String goal = "submitted <= " + SUBMIT_GOAL.toSeconds() + " s, <= +" + EXTRA_THREADS_GOAL
                + " threads, 0 completed while held, threads back <= " + GIVE_BACK_GOAL.toSeconds() + " s after cancel";
        List<Integer> fds = new ArrayList<>();
        try {
            List<String> args = new ArrayList<>(List.of(Integer.toString(mode.pendingFutures()),
                    Long.toString(SUBMIT_DEADLINE.toSeconds()), Long.toString(settleMillis())));
            for (int i = 0; i < CONTENDED_PATHS; i++) {
                Path path = workDir.resolve("pending-" + i + ".lock");
                int fd = RawFlock.openLockFile(path);
                fds.add(fd);
                RawFlock.lock(fd);
                args.add(path.toString());
            }
            ChildProcess child = Children.java("pending-futures", concat("pending-futures", args));
            try {
                child.awaitReady().send("submit");
                String[] submitted = child.reply(SUBMIT_DEADLINE.plusMinutes(1)).split(" ");
                int count = Integer.parseInt(submitted[0]);
                long submitNanos = Long.parseLong(submitted[1]);
                int before = Integer.parseInt(submitted[2]);
                int peak = Integer.parseInt(submitted[3]);
                long completed = Long.parseLong(submitted[4]);
                child.send("cancel");
                long giveBackNanos = Long
                    .parseLong(child.reply(PendingFuturesWorker.CANCEL_GIVE_UP.plus(ChildProcess.HANG_GUARD)));
                fds.forEach(RawFlock::unlock);
                long stillHeld = Long.parseLong(child.call("check"));
                PendingFutures result = new PendingFutures(mode.pendingFutures(), count, submitNanos, peak - before,
                        completed, giveBackNanos, stillHeld);
                return new Row(what, result.describe(),
                        "the paths held by another process (raw flock); " + before + " live threads before", "-", goal,
                        Verdict.of(result.met(SUBMIT_GOAL, EXTRA_THREADS_GOAL, GIVE_BACK_GOAL)),
                        result.note(Duration.ofMillis(settleMillis())));
            }
            finally {
                Children.stop(child);
            }
        }
        catch (RuntimeException e) {
            return Row.failed(what, goal, e);
        }
        finally {
            fds.forEach(RawFlock::closeFd);
        }
    }

    /**
     * How long the futures stay pending before the completed ones are counted: enough for
     * a timeout or a wrong wake-up to show.
     */
    private long settleMillis() {
        return mode.isQuick() ? 200 : 2_000;
    }

    /** What the pending-futures child measured, and how it compares with the goals. */
    record PendingFutures(int asked, int submitted, long submitNanos, int extraThreads, long completedWhileHeld,
            long giveBackNanos, long stillHeldAfterCancel) {

        boolean met(Duration submitGoal, int extraThreadsGoal, Duration giveBackGoal) {
            return submitted == asked && submitNanos <= submitGoal.toNanos() && extraThreads <= extraThreadsGoal
                    && completedWhileHeld == 0 && giveBackNanos >= 0 && giveBackNanos <= giveBackGoal.toNanos()
                    && stillHeldAfterCancel == 0;
        }

        String describe() {
            return "submitted in " + Units.duration(submitNanos) + "; +" + extraThreads + " threads at the peak; "
                    + completedWhileHeld + " completed while held; threads back "
                    + (giveBackNanos >= 0 ? Units.duration(giveBackNanos) + " after cancel"
                            : "**not within " + PendingFuturesWorker.CANCEL_GIVE_UP.toSeconds() + " s** of cancel");
        }

        String note(Duration settle) {
            List<String> notes = new ArrayList<>();
            if (submitted < asked) {
                notes.add(String.format(Locale.ROOT, "**only %,d of %,d submitted in %d s**", submitted, asked,
                        SUBMIT_DEADLINE.toSeconds()));
            }
            if (stillHeldAfterCancel > 0) {
                notes.add("**" + stillHeldAfterCancel + " path(s) still held after cancel**");
            }
            notes.add("each future waits up to 60 s; completions counted " + settle.toMillis()
                    + " ms after the last submit; a child JVM of its own");
            return String.join("; ", notes);
        }

    }

    List<Row> foreignWaiterRows() {
        String rawWhat = "Foreign waiter under local contention: raw blocking flock in another process";
        String pythonWhat = "Foreign waiter under local contention: Python filelock 3.9.0 (50 ms poll)";
        String rawGoal = "<= the stated bound (" + Units.duration(FOREIGN_RAW_BOUND.toNanos()) + ")";
        String pythonGoal = "<= the stated bound (" + Units.duration(FOREIGN_PYTHON_BOUND.toNanos()) + ")";
        Path lock = workDir.resolve("foreign-waiter.lock");
        List<ChildProcess> children = new ArrayList<>();
        try {
            Path script = PythonScript.extract(workDir);
            ChildProcess contender = started(children,
                    Children.java("local-contend", "local-contend", lock.toString()));
            ChildProcess raw = started(children,
                    Children.java("foreign-raw", "handoff", Exclusive.Kind.RAW_FLOCK.id(), lock.toString()));
            ChildProcess python = started(children,
                    Children.python("foreign-python", script, "handoff", "filelock", lock.toString()));
            children.forEach(ChildProcess::awaitReady);
            ForeignWaits rawWaits = new ForeignWaits();
            ForeignWaits pythonWaits = new ForeignWaits();
            Random random = new Random(15);
            for (int trial = 0; trial < mode.foreignTrials(); trial++) {
                rawWaits.add(waitOnce(contender, raw, random));
                pythonWaits.add(waitOnce(contender, python, random));
            }
            return List.of(foreignRow(rawWhat, rawGoal, rawWaits, FOREIGN_RAW_BOUND),
                    foreignRow(pythonWhat, pythonGoal, pythonWaits, FOREIGN_PYTHON_BOUND));
        }
        catch (IOException | RuntimeException e) {
            return List.of(Row.failed(rawWhat, rawGoal, e), Row.failed(pythonWhat, pythonGoal, e));
        }
        finally {
            children.forEach(Children::stop);
        }
    }

    private static ChildProcess started(List<ChildProcess> children, ChildProcess child) {
        children.add(child);
        return child;
    }

    /**
     * One trial: the local loop runs, the foreign process is told to acquire, and its
     * wait runs from the command to its own stamp once it holds; if it still waits after
     * the cap, the loop is stopped so that it gets the lock, and the trial counts as
     * capped.
     */
    private Wait waitOnce(ChildProcess contender, ChildProcess waiter, Random random) {
        contender.call("start");
        Handoff.sleepMicros(TimeUnit.MILLISECONDS.toMicros(5 + random.nextInt(16)));
        long asked = System.nanoTime();
        waiter.send("acquire");
        boolean capped = false;
        String acquired;
        try {
            acquired = waiter.reply(mode.foreignCap());
        }
        catch (IllegalStateException stillWaiting) {
            if (!waiter.isAlive() || !contender.isAlive()) {
                throw stillWaiting;
            }
            capped = true;
            // The loop's threads may be blocked behind the waiter once it holds: read the
            // answer to "stop" only after the waiter released.
            contender.send("stop");
            acquired = waiter.reply();
        }
        waiter.call("release");
        if (!capped) {
            contender.send("stop");
        }
        long localHolds = Long.parseLong(contender.reply());
        return new Wait(Long.parseLong(acquired) - asked, capped, localHolds);
    }

    private Row foreignRow(String what, String goal, ForeignWaits waits, Duration bound) {
        Stats stats = waits.stats();
        boolean met = waits.capped() == 0 && stats.max() <= bound.toNanos();
        String ours = "median " + Units.duration(stats.median()) + ", max " + Units.duration(stats.max());
        String note = stats.count()
                + " trials, interleaved with the other foreign waiter; local holds per trial: median "
                + String.format(Locale.ROOT, "%,.0f", waits.localHolds().median())
                + "; a wait runs from the command to the waiter's stamp once it holds";
        if (waits.capped() > 0) {
            note = "**" + waits.capped() + " wait(s) still running after " + mode.foreignCap().toSeconds()
                    + " s: the local loop was stopped to let them through**; " + note;
        }
        return new Row(what, ours, "two threads of one child JVM passing a FileLock back and forth", "-", goal,
                Verdict.of(met), note);
    }

    /**
     * One foreign wait: its length, whether it hit the cap, the local holds meanwhile.
     */
    record Wait(long nanos, boolean capped, long localHolds) {
    }

    /** The waits of one foreign waiter kind. */
    static final class ForeignWaits {

        private final List<Wait> waits = new ArrayList<>();

        void add(Wait wait) {
            waits.add(wait);
        }

        Stats stats() {
            return Stats.of(waits.stream().map(Wait::nanos).toList());
        }

        Stats localHolds() {
            return Stats.of(waits.stream().map(Wait::localHolds).toList());
        }

        long capped() {
            return waits.stream().filter(Wait::capped).count();
        }

    }

    private static String[] concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

}
