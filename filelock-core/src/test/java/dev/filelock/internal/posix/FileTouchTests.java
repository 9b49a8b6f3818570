package dev.filelock.internal.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.filelock.internal.posix.FileTouch;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Refreshing a marker's modification time, as Python's {@code os.utime(path)} does. */
class FileTouchTests {

    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @TempDir
    Path directory;

    @Test
    @EnabledOnOs({ OS.LINUX, OS.MAC })
    void letsTheFileSystemStampTheTimeOnPosix() {
        assertThat(FileTouch.usesFileSystemClock()).isTrue();
    }

    @Test
    void setsTheModificationTimeToNow() throws Exception {
        Path file = Files.writeString(directory.resolve("marker"), "x");
        Files.setLastModifiedTime(file, LONG_AGO);

        FileTouch.touch(file);

        Instant modified = Files.getLastModifiedTime(file).toInstant();
        assertThat(Duration.between(modified, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void neverFollowsASymbolicLink() throws Exception {
        Path target = Files.writeString(directory.resolve("target"), "x");
        Files.setLastModifiedTime(target, LONG_AGO);
        Path link = Files.createSymbolicLink(directory.resolve("link"), target);

        FileTouch.touch(link);

        assertThat(Files.getLastModifiedTime(target)).isEqualTo(LONG_AGO);
        assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS)).isNotEqualTo(LONG_AGO);
    }

    @Test
    void reportsAMissingFile() {
        assertThatThrownBy(() -> FileTouch.touch(directory.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    }

}
