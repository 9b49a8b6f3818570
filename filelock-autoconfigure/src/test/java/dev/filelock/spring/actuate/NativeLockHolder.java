package dev.filelock.spring.actuate;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import dev.filelock.testing.ChildMain;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM main: holds a native lock on the file given as argument while it answers the
 * child protocol (READY = held).
 */
// "try": these try-with-resources blocks hold a lock for their duration; the handle is
// deliberately unreferenced.
@SuppressWarnings("try")
public final class NativeLockHolder {

    private NativeLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (LockHold hold = FileLock.of(Path.of(args[0])).acquire(Duration.ofSeconds(30))) {
            ChildMain.create().run();
        }
    }

}
