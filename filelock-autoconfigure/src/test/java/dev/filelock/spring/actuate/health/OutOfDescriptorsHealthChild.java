package dev.filelock.spring.actuate.health;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.health.contributor.Health;

/**
 * Child JVM main: checks the health of the lock directory given as the argument before,
 * while and after this process has every descriptor its limit allows open, printing one
 * line each: {@code BEFORE|EXHAUSTED|AFTER status reason |
 * error}.
 */
public final class OutOfDescriptorsHealthChild {

    private OutOfDescriptorsHealthChild() {
    }

    public static void main(String[] args) throws IOException {
        FileLockHealthIndicator indicator = new FileLockHealthIndicator(Path.of(args[0]), false, null);
        report("BEFORE", indicator.health(true));
        List<FileChannel> hogs = new ArrayList<>();
        try {
            while (true) {
                hogs.add(FileChannel.open(Path.of("/dev/null")));
            }
        }
        catch (FileSystemException full) {
            if (!String.valueOf(full.getReason()).startsWith("Too many open files")) {
                throw full;
            }
        }
        report("EXHAUSTED", indicator.health(true));
        for (FileChannel hog : hogs) {
            hog.close();
        }
        report("AFTER", indicator.health(true));
    }

    private static void report(String moment, Health health) {
        System.out
            .println(moment + " " + health.getStatus().getCode() + " " + health.getDetails().getOrDefault("reason", "")
                    + " | " + health.getDetails().getOrDefault("error", ""));
    }

}
