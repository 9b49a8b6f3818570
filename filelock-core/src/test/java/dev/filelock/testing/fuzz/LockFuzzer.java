package dev.filelock.testing.fuzz;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import dev.filelock.testing.PythonFilelock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A cross-process fuzz tester of the lock's promise, after ShedLock's {@code FuzzTester}: several participant JVMs
 * ({@link FuzzParticipant}), and optionally a Python {@code filelock} process, run random operations on one lock
 * while the fuzzer kills a random participant with SIGKILL now and then and restarts it; the shared section log
 * ({@link SectionLog}) must show no overlap, no lost counter update, no participant failure and no resource growth,
 * and some section must begin within {@link #WEDGE_LIMIT} whenever a participant is alive.
 *
 * <p>The first participant, {@code j1}, is never killed, so that its threads and descriptors are watched over the
 * whole run. After the run's length the fuzzer stops killing and waits (up to the wedge limit) for a section that
 * begins after the last kill, so that even a short run sees whether the lock survives its last kill.
 *
 * <p>System properties: {@code filelock.fuzz.seconds} (the run's length per lock kind, default {@value
 * #DEFAULT_SECONDS}) and {@code filelock.fuzz.seed} (default random). The seed, printed at the start and named in every
 * failure, fixes the operations of each participant and the times and victims of the kills, not the interleaving.
 */
public final class LockFuzzer {

    /** The longest time without a section beginning while some participant is alive. */
    public static final Duration WEDGE_LIMIT = Duration.ofSeconds(10);

    /** The run's length per lock kind in {@code ./mvnw verify}. */
    public static final int DEFAULT_SECONDS = 8;

    private static final Duration POLL = Duration.ofMillis(100);

    private final Class<? extends FuzzSubject.Factory> factory;
    private final String kind;
    private final int jvms;
    private final @Nullable String pythonLockClass;
    private final String rerunCommand;
    private final long seed = Long.getLong("filelock.fuzz.seed", new Random().nextLong());
    private final Duration length = Duration.ofSeconds(Long.getLong("filelock.fuzz.seconds", DEFAULT_SECONDS));
    private final Random random = new Random(seed);
    private final List<Participant> participants = new ArrayList<>();
    private @Nullable Path lockFile;
    private @Nullable Path counter;
    private @Nullable Path log;

    /**
     * Describes a run.
     *
     * @param factory builds the lock in each participant JVM
     * @param kind the lock kind, as the factory names it
     * @param jvms how many participant JVMs run at once
     * @param pythonLockClass {@code "FileLock"} or {@code "SoftFileLock"} for a Python participant too, or null
     * @param rerunTest the test to name in the rerun command, e.g. {@code filelock-core/LockPromiseFuzzTests#softLock}
     */
    public LockFuzzer(Class<? extends FuzzSubject.Factory> factory, String kind, int jvms,
            @Nullable String pythonLockClass, String rerunTest) {
        this.factory = factory;
        this.kind = kind;
        this.jvms = jvms;
        this.pythonLockClass = pythonLockClass;
        String[] moduleAndTest = rerunTest.split("/", 2);
        this.rerunCommand = "./mvnw -B -pl " + moduleAndTest[0] + " -am test -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest='" + moduleAndTest[1] + "' -Dfilelock.fuzz.seed=" + seed + " -Dfilelock.fuzz.seconds="
                + length.toSeconds();
    }

    /**
     * Runs the fuzz test on a lock file in the given directory.
     *
     * @param lockFile the lock file (its directory also holds the counter and the section log)
     * @throws AssertionError on any broken promise, naming the seed, the rerun command and the recent log lines
     */
    public void run(Path lockFile) {
        System.out.println("fuzzing " + kind + " for " + length.toSeconds() + " s with seed " + seed + "; rerun: "
                + rerunCommand);
        this.lockFile = lockFile;
        this.counter = lockFile.resolveSibling("fuzz-counter");
        this.log = lockFile.resolveSibling("fuzz-sections.log");
        SectionLog sections = new SectionLog(createLog());
        try {
            for (int j = 1; j <= jvms; j++) {
                participants.add(new Participant("j" + j, false));
            }
            if (pythonLockClass != null) {
                PythonFilelock.requireFilelock();
                participants.add(new Participant("py", true));
            }
            participants.forEach(Participant::start);
            fuzz(sections);
            participants.forEach(this::kill);
            sections.readNew();
            sections.checkFinalCounter(readCounter());
            System.out.println("fuzzed " + kind + ": " + sections.sections() + " sections, seed " + seed);
        } catch (AssertionError | RuntimeException violation) {
            throw new AssertionError("fuzzing " + kind + " with seed " + seed + " broke the lock's promise: "
                    + violation.getMessage() + "\n--- rerun: " + rerunCommand + "\n--- lock directory: "
                    + listing(lockFile.getParent()) + "\n" + participantOutput(), violation);
        } finally {
            participants.forEach(participant -> participant.process.close());
        }
    }

    private void fuzz(SectionLog sections) {
        participants.forEach(participant -> participant.process.awaitLine("RUNNING"));
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long lastKill = start;
        long nextKill = start + nextKillDelay();
        while (true) {
            sleep(POLL);
            sections.readNew();
            participants.forEach(Participant::requireAlive);
            long now = System.nanoTime();
            boolean progressSinceLastKill = sections.lastEnterNanos() > lastKill;
            if (now - Math.max(sections.lastEnterNanos(), lastKill) > WEDGE_LIMIT.toNanos()) {
                sections.violation("wedge: no section began for " + WEDGE_LIMIT.toSeconds() + " s after the last"
                        + " section or kill, " + sections.sections() + " sections so far");
            }
            if (now >= end && progressSinceLastKill) {
                return;
            }
            if (now < end && now >= nextKill) {
                // A JVM still starting has nothing to lose yet: spared, which leaves the draws of the seed unchanged.
                Participant victim = participants.get(1 + random.nextInt(participants.size() - 1));
                if (victim.process.findLine("RUNNING").isPresent()) {
                    kill(victim);
                    victim.start();
                    lastKill = System.nanoTime();
                }
                nextKill = System.nanoTime() + nextKillDelay();
            }
        }
    }

    private long nextKillDelay() {
        return Duration.ofMillis(1000 + random.nextInt(2000)).toNanos();
    }

    /**
     * Kills a participant with SIGKILL, and records it in the log at the one moment that orders it right: after the
     * participant's last line and before anyone else could enter a section it was in. It is stopped (SIGSTOP) first,
     * which keeps its locks held, then recorded, then killed.
     */
    private void kill(Participant participant) {
        if (participant.process.isAlive()) {
            participant.process.suspend();
        }
        append("KILLED " + participant.label());
        participant.process.kill();
    }

    private Path createLog() {
        try {
            return Files.createFile(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(String line) {
        try {
            Files.writeString(log, line + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long readCounter() {
        try {
            String text = Files.exists(counter) ? Files.readString(counter).trim() : "";
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String participantOutput() {
        return participants.stream()
                .map(p -> p.process.describe())
                .map(text -> text.length() > 6000 ? text.substring(0, 6000) + "\n[...]" : text)
                .collect(Collectors.joining("\n"));
    }

    private static String listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName() + " (" + sizeOrGone(file) + " bytes)")
                    .collect(Collectors.joining(", "));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String sizeOrGone(Path file) {
        try {
            return Files.isRegularFile(file) ? Long.toString(Files.size(file)) : "not a regular file";
        } catch (IOException gone) {
            return "gone";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** One participant slot, restarted under a new label after each kill. */
    private final class Participant {

        private final String name;
        private final boolean python;
        private int incarnation;
        private ChildProcess process;

        Participant(String name, boolean python) {
            this.name = name;
            this.python = python;
        }

        String label() {
            return name + "#" + incarnation;
        }

        void start() {
            incarnation++;
            // Of the run's seed and the label alone, so that a kill skipped for timing changes no one's operations.
            String participantSeed = Long.toString(new Random(seed ^ ((long) label().hashCode() << 32)).nextLong());
            process = python
                    ? PythonFilelock.start("fuzz_peer.py", pythonLockClass, lockFile.toString(), counter.toString(),
                            log.toString(), label(), participantSeed)
                    : ChildJvm.start(label(), FuzzParticipant.class, factory.getName(), kind, lockFile.toString(),
                            counter.toString(), log.toString(), label(), participantSeed);
        }

        void requireAlive() {
            if (!process.isAlive()) {
                throw new AssertionError("participant " + label() + " ended by itself");
            }
        }
    }
}
