package dev.filelock;

import dev.filelock.FileLockDiagnostics.ProcessHolder;
import dev.filelock.FileLockDiagnostics.Probe;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Looks at a lock file from outside: the kernel's table of held locks ({@code /proc/locks}) matched by device and
 * inode, and the record of a soft lock file. Reads only: it opens no lock, waits for nothing and creates no file.
 */
final class LockProbe {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");
    private static final int MAX_RECORD_BYTES = 1024;

    private LockProbe() {}

    static Probe probe(Path path) {
        BasicFileAttributes attributes;
        Object device;
        Object inode;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            device = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            // A soft read/write lock lives in sibling marker files only.
            List<ProcessHolder> markers = softReadWriteHolders(path);
            return new Probe(path, !markers.isEmpty(), Files.isReadable(PROC_LOCKS), markers);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException noUnixView) {
            List<ProcessHolder> holders = new ArrayList<>(recordedHolder(path));
            holders.addAll(softReadWriteHolders(path));
            return new Probe(path, Files.exists(path, LinkOption.NOFOLLOW_LINKS), false, holders);
        }
        Set<ProcessHolder> holders = new LinkedHashSet<>();
        boolean kernelTableRead = false;
        if (Files.isReadable(PROC_LOCKS)) {
            try {
                for (String line : Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII)) {
                    KernelLock lock = KernelLock.parse(line);
                    if (lock != null && lock.matches((Long) device, (Long) inode) && lock.pid != ThisProcess.PID) {
                        holders.add(lock.holder());
                    }
                }
                kernelTableRead = true;
            } catch (IOException | RuntimeException unreadable) {
                kernelTableRead = false;
            }
        }
        if (attributes.isRegularFile()) {
            holders.addAll(recordedHolder(path));
        }
        holders.addAll(softReadWriteHolders(path));
        return new Probe(path, true, kernelTableRead, new ArrayList<>(holders));
    }

    /** The other process named in a soft lock file's {@code <pid>\n<hostname>\n} record, if the file holds one. */
    private static List<ProcessHolder> recordedHolder(Path path) {
        byte[] content;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            content = in.readNBytes(MAX_RECORD_BYTES);
        } catch (IOException | UnsupportedOperationException unreadable) {
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
        return List.of(new ProcessHolder(pid, host, "lock file record", LockMode.WRITE));
    }

    /** The other processes named by a soft read/write lock's markers: {@code P.write} and {@code P.readers/*}. */
    private static List<ProcessHolder> softReadWriteHolders(Path path) {
        Path name = path.getFileName();
        if (name == null) {
            return List.of();
        }
        List<ProcessHolder> holders = new ArrayList<>();
        markerHolder(path.resolveSibling(name + ".write"), LockMode.WRITE, holders);
        Path readers = path.resolveSibling(name + ".readers");
        if (Files.isDirectory(readers, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> markers = Files.newDirectoryStream(readers)) {
                for (Path marker : markers) {
                    markerHolder(marker, LockMode.READ, holders);
                }
            } catch (IOException | DirectoryIteratorException unreadable) {
                // the readers left meanwhile, or we may not list them: report what was seen
            }
        }
        return holders;
    }

    private static void markerHolder(Path marker, LockMode mode, List<ProcessHolder> holders) {
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (InputStream in = Files.newInputStream(marker, LinkOption.NOFOLLOW_LINKS)) {
            MarkerRecord.parse(in.readNBytes(MarkerRecord.MAX_SIZE + 1))
                    .filter(record -> record.pid() != ThisProcess.PID || !record.hostname().equals(ThisProcess.HOSTNAME))
                    .ifPresent(record -> holders.add(new ProcessHolder(record.pid(), record.hostname(), "marker file", mode)));
        } catch (IOException gone) {
            // released meanwhile
        }
    }

    /** One line of {@code /proc/locks}, such as {@code 3: FLOCK  ADVISORY  WRITE 5469 fe:00:2154537 0 EOF}. */
    private record KernelLock(String family, boolean write, long pid, int major, int minor, long inode) {

        static @Nullable KernelLock parse(String line) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8 || fields[1].equals("->")) {
                return null; // a blocked request, not a held lock
            }
            String[] id = fields[5].split(":");
            if (id.length != 3) {
                return null;
            }
            try {
                return new KernelLock(fields[1], fields[3].equals("WRITE"), Long.parseLong(fields[4]),
                        Integer.parseInt(id[0], 16), Integer.parseInt(id[1], 16), Long.parseLong(id[2]));
            } catch (NumberFormatException unexpected) {
                return null;
            }
        }

        /** Compares with a {@code stat} device number, split as glibc's {@code major()} and {@code minor()} do. */
        boolean matches(long device, long fileInode) {
            long deviceMajor = ((device >>> 8) & 0xfffL) | ((device >>> 32) & ~0xfffL);
            long deviceMinor = (device & 0xffL) | ((device >>> 12) & ~0xffL);
            return inode == fileInode && major == deviceMajor && minor == deviceMinor;
        }

        ProcessHolder holder() {
            // SQLite readers hold read locks on its SHARED bytes, a writer write locks (one ProcessHolder per mode).
            return new ProcessHolder(pid, null, family.equals("FLOCK") ? "flock" : "posix", write ? LockMode.WRITE : LockMode.READ);
        }
    }
}
