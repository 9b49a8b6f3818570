package dev.filelock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A child JVM that locks many distinct paths, as an application keyed by request data
 * does, and reports its open descriptors and resident memory before and after:
 * {@code <directory> <keys>}. A third of the read/write lock objects is closed, a third
 * dropped without closing, a third kept open; every exclusive lock object is dropped.
 * Prints {@code
 * baseline <fds> <rss kB>} after warming up and {@code after <fds> <rss kB>} at the end.
 */
public final class DistinctKeysChild {

    private DistinctKeysChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int keys = Integer.parseInt(args[1]);
        List<ReadWriteFileLock> keptOpen = new ArrayList<>();
        // Warm up: load classes and native libraries, so the baseline counts what any
        // user of the locks pays once.
        lockBoth(directory, "warm-up", keptOpen, 0);
        keptOpen.forEach(ReadWriteFileLock::close);
        keptOpen.clear();
        report("baseline");
        for (int i = 0; i < keys; i++) {
            lockBoth(directory, "key-" + i, keptOpen, i);
        }
        report("after");
        System.out.println("kept " + keptOpen.size());
    }

    private static void lockBoth(Path directory, String key, List<ReadWriteFileLock> keptOpen, int i) {
        ReadWriteFileLock readWrite = ReadWriteFileLock.of(directory.resolve(key + ".db"));
        (i % 2 == 0 ? readWrite.acquireWrite() : readWrite.acquireRead()).close();
        switch (i % 3) {
            case 0 -> readWrite.close();
            case 1 -> keptOpen.add(readWrite);
            default -> {
            } // dropped without closing
        }
        FileLock.of(directory.resolve(key + ".lock")).acquire().close();
    }

    private static void report(String label) throws IOException {
        long descriptors;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            descriptors = fds.count() - 1; // without the listing's own
        }
        long rssKb = Files.readAllLines(Path.of("/proc/self/status"))
            .stream()
            .filter(line -> line.startsWith("VmRSS:"))
            .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
            .findFirst()
            .orElseThrow();
        System.out.println(label + " " + descriptors + " " + rssKb);
        System.out.flush();
    }

}
