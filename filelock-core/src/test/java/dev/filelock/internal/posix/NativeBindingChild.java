package dev.filelock.internal.posix;

import dev.filelock.FileLock;
import dev.filelock.LockHold;
import java.nio.file.Path;

/**
 * A child JVM that prints {@code binding <name>}, then takes and releases a
 * {@link FileLock} on {@code <directory>/child.lock} and prints {@code locked}, or
 * {@code failed: <message>} when that throws.
 */
public final class NativeBindingChild {

    private NativeBindingChild() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("binding " + NativeCalls.CURRENT.name());
            LockHold hold = FileLock.of(Path.of(args[0]).resolve("child.lock")).acquire();
            System.out.println("locked");
            hold.close();
        }
        catch (RuntimeException | LinkageError e) {
            System.out.println("failed: " + e + " / cause " + e.getCause());
        }
        System.out.flush();
    }

}
