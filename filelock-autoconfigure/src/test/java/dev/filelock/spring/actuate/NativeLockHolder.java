package dev.filelock.spring.actuate;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import java.nio.file.Path;
import java.time.Duration;

/** Child JVM main: holds a native lock on the file given as argument, prints {@code held}, and waits for stdin EOF. */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is deliberately unreferenced.
@SuppressWarnings("try")
public final class NativeLockHolder {

    private NativeLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (LockHold hold = FileLock.of(Path.of(args[0])).acquire(Duration.ofSeconds(30))) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our input (or dies)
            }
        }
    }
}
