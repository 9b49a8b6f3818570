package dev.filelock;

import dev.filelock.internal.LockFailures;
import dev.filelock.internal.OpenLimits;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM that uses up its descriptors and then takes a read/write lock on a new
 * path: {@code <directory> [native]} (the SQLite lock, or the native one). It first takes
 * one lock elsewhere (so every class and the native library are loaded), then opens
 * {@code /dev/null} until the limit is reached, and prints the failure as
 * {@code failed: <message>} (or {@code acquired} if it never failed).
 */
public final class OpenFailureChild {

    private OpenFailureChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        boolean nativeLock = args.length > 1 && args[1].equals("native");
        try (ReadWriteFileLock warmUp = open(nativeLock, directory.resolve("warm-up.db"))) {
            warmUp.acquireWrite().close();
        }
        // Loading a class from a directory takes a descriptor: load the failure path's
        // classes while there are some.
        OpenLimits.descriptorsExhausted();
        LockFailures.cannotLock(directory, "warming up", null);
        String outcome = "acquired";
        List<FileInputStream> filler = new ArrayList<>();
        try {
            // A stream some library left to the garbage collector may be closed by a
            // cleaner after the filling ends,
            // and its descriptor let the lock in: then fill again (the lock's own
            // descriptor included) and retry.
            for (int attempt = 0; attempt < 10 && outcome.equals("acquired"); attempt++) {
                fillDescriptors(filler);
                try (ReadWriteFileLock lock = open(nativeLock, directory.resolve("starved.db"))) {
                    lock.acquireWrite().close();
                }
                catch (FileLockException e) {
                    outcome = "failed: " + e.getMessage();
                }
            }
        }
        finally {
            for (FileInputStream in : filler) {
                in.close();
            }
        }
        System.out.println(outcome.replace('\n', ' ') + " (" + filler.size() + " descriptors filled)");
        System.out.flush();
    }

    private static ReadWriteFileLock open(boolean nativeLock, Path path) {
        return nativeLock ? NativeReadWriteFileLock.of(path) : ReadWriteFileLock.of(path);
    }

    private static void fillDescriptors(List<FileInputStream> filler) {
        while (true) {
            try {
                filler.add(new FileInputStream("/dev/null"));
            }
            catch (IOException limitReached) {
                return;
            }
        }
    }

}
