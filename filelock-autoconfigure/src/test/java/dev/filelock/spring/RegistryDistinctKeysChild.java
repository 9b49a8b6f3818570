package dev.filelock.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;

/**
 * A child JVM that locks many distinct keys through a {@link FileLockRegistry} with its
 * default cache capacity, as an application keyed by request data does:
 * {@code <directory> <keys>}. Prints {@code baseline <fds> <rss kB>} after warming up and
 * {@code after <fds> <rss kB>} at the end.
 */
public final class RegistryDistinctKeysChild {

    private RegistryDistinctKeysChild() {
    }

    public static void main(String[] args) throws IOException {
        FileLockRegistry registry = new FileLockRegistry(Path.of(args[0]));
        int keys = Integer.parseInt(args[1]);
        lockBoth(registry, "warm-up", 0);
        report("baseline");
        for (int i = 0; i < keys; i++) {
            lockBoth(registry, "key-" + i, i);
        }
        report("after");
    }

    private static void lockBoth(FileLockRegistry registry, String key, int i) {
        Lock readWrite = (i % 2 == 0) ? registry.obtainReadWrite(key + ".db").writeLock()
                : registry.obtainReadWrite(key + ".db").readLock();
        readWrite.lock();
        readWrite.unlock();
        Lock exclusive = registry.obtain(key + ".lock");
        exclusive.lock();
        exclusive.unlock();
    }

    private static void report(String label) throws IOException {
        long descriptors;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            descriptors = fds.count() - 1; // without the listing's own
        }
        long rssKb = Files.readAllLines(Path.of("/proc/self/status"))
            .stream()
            .filter((line) -> line.startsWith("VmRSS:"))
            .mapToLong((line) -> Long.parseLong(line.replaceAll("[^0-9]", "")))
            .findFirst()
            .orElseThrow();
        System.out.println(label + " " + descriptors + " " + rssKb);
        System.out.flush();
    }

}
