package dev.filelock.internal.diagnostics;

import dev.filelock.LockMode;
import dev.filelock.internal.LockFileReads;
import dev.filelock.internal.posix.KernelLocks;
import dev.filelock.internal.posix.ThisProcess;
import dev.filelock.internal.soft.MarkerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Looks at a lock file from outside: the kernel's table of held locks
 * ({@code /proc/locks}) matched by device and inode, and the record of a soft lock file.
 * Reads only: it opens no lock, waits for nothing and creates no file.
 */
public final class LockProbe {

    private static final int MAX_RECORD_BYTES = 1024;

    private LockProbe() {
    }

    public static Result probe(Path path) {
        BasicFileAttributes attributes;
        Object device;
        Object inode;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            device = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        }
        catch (NoSuchFileException missing) {
            // A soft read/write lock lives in sibling marker files only.
            List<Holder> markers = softReadWriteHolders(path);
            return new Result(path, !markers.isEmpty(), KernelLocks.isReadable(), markers);
        }
        catch (IOException | UnsupportedOperationException | IllegalArgumentException noUnixView) {
            List<Holder> holders = new ArrayList<>(recordedHolder(path));
            holders.addAll(softReadWriteHolders(path));
            return new Result(path, Files.exists(path, LinkOption.NOFOLLOW_LINKS), false, holders);
        }
        Set<Holder> holders = new LinkedHashSet<>();
        Optional<List<KernelLocks.KernelLock>> kernelTable = KernelLocks.read();
        kernelTable.ifPresent(locks -> locks.stream()
            .filter(lock -> lock.matches((Long) device, (Long) inode) && lock.pid() != ThisProcess.PID)
            .forEach(lock -> holders.add(holder(lock))));
        boolean kernelTableRead = kernelTable.isPresent();
        if (attributes.isRegularFile()) {
            holders.addAll(recordedHolder(path));
        }
        holders.addAll(softReadWriteHolders(path));
        return new Result(path, true, kernelTableRead, new ArrayList<>(holders));
    }

    /**
     * The other process named in a soft lock file's {@code <pid>\n<hostname>\n} record,
     * if the file holds one; none when the record is unknown, such as for a file this JVM
     * holds through SQLite (which is never opened).
     */
    private static List<Holder> recordedHolder(Path path) {
        byte[] content;
        try {
            content = LockFileReads.read(path, MAX_RECORD_BYTES);
        }
        catch (IOException | UnsupportedOperationException unreadable) {
            return List.of();
        }
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length < 3 || !lines[0].matches("[0-9]{1,10}") || lines[1].isEmpty()) {
            return List.of();
        }
        long pid = Long.parseLong(lines[0]);
        String host = lines[1];
        if (pid == ThisProcess.PID && host.equals(ThisProcess.HOSTNAME)) {
            return List.of();
        }
        return List.of(new Holder(pid, host, "lock file record", LockMode.WRITE));
    }

    /**
     * The other processes named by a soft read/write lock's markers: {@code P.write} and
     * {@code P.readers/*}.
     */
    private static List<Holder> softReadWriteHolders(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            return List.of();
        }
        List<Holder> holders = new ArrayList<>();
        markerHolder(path.resolveSibling(name + ".write"), LockMode.WRITE, holders);
        Path readers = path.resolveSibling(name + ".readers");
        if (Files.isDirectory(readers, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> markers = Files.newDirectoryStream(readers)) {
                for (Path marker : markers) {
                    markerHolder(marker, LockMode.READ, holders);
                }
            }
            catch (IOException | DirectoryIteratorException unreadable) {
                // the readers left meanwhile, or we may not list them: report what was
                // seen
            }
        }
        return holders;
    }

    private static void markerHolder(Path marker, LockMode mode, List<Holder> holders) {
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            MarkerRecord.parse(LockFileReads.read(marker, MarkerRecord.MAX_SIZE + 1))
                .filter(record -> record.pid() != ThisProcess.PID || !record.hostname().equals(ThisProcess.HOSTNAME))
                .ifPresent(record -> holders.add(new Holder(record.pid(), record.hostname(), "marker file", mode)));
        }
        catch (IOException goneOrUnknown) {
            // released meanwhile, or not readable without dropping this JVM's locks on it
        }
    }

    private static Holder holder(KernelLocks.KernelLock lock) {
        // SQLite readers hold read locks on its SHARED bytes, a writer write locks (one
        // holder per mode).
        return new Holder(lock.pid(), null, lock.family().equals("FLOCK") ? "flock" : "posix",
                lock.write() ? LockMode.WRITE : LockMode.READ);
    }

    /**
     * What the look found; the public diagnostics convert it.
     *
     * @param path the lock file as given
     * @param exists whether the file exists (for a soft read/write lock: whether one of
     * its markers does)
     * @param kernelTableRead whether {@code /proc/locks} could be read
     * @param otherProcesses the other processes found holding the lock
     */
    public record Result(Path path, boolean exists, boolean kernelTableRead, List<Holder> otherProcesses) {
    }

    /**
     * Another process holding the lock file.
     *
     * @param pid its process id
     * @param host the host recorded in a soft lock file or marker, or {@code null} when
     * the kernel told
     * @param evidence {@code flock}, {@code posix}, {@code lock file record} or
     * {@code marker file}
     * @param mode {@code WRITE} for an exclusive hold, {@code READ} for a shared one
     */
    public record Holder(long pid, @Nullable String host, String evidence, LockMode mode) {
    }

}
