package dev.filelock.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class ArtifactControllerTests {

    @TempDir
    Path work;

    /**
     * Issue 11, item 2: the locked cache methods are never called for a name the origin
     * (here a directory) lacks.
     */
    @Test
    void aNameTheDirectoryOriginLacksNeverReachesTheLockedCache() throws Exception {
        Path originDirectory = Files.createDirectory(this.work.resolve("origin"));
        ArtifactOrigin origin = new DirectoryOrigin(originDirectory, new SlowNetwork(Duration.ZERO));
        CacheDirectory directory = new CacheDirectory(this.work.resolve("cache"));
        FetchLog fetchLog = new FetchLog(directory.fetchLog());
        SampleProperties properties = new SampleProperties(directory.root(), "test",
                new SampleProperties.Origin(originDirectory, Duration.ZERO, DataSize.ofBytes(1), List.of()));
        ArtifactCache lockedCache = new ArtifactCache(directory, origin, fetchLog, properties,
                new SimpleMeterRegistry()) {

            @Override
            public Optional<CachedArtifact> find(ArtifactName name) {
                throw new AssertionError("find(" + name + ") would take the artifact's read lock");
            }

            @Override
            public CachedArtifact fetch(ArtifactName name) {
                throw new AssertionError("fetch(" + name + ") would take the artifact's write lock");
            }
        };
        ArtifactController controller = new ArtifactController(lockedCache, origin, fetchLog, directory, properties);

        assertThatExceptionOfType(ArtifactNotFoundException.class).isThrownBy(() -> controller.artifact("absent.bin"))
            .withMessage("The origin has no artifact 'absent.bin'");
        assertThat(directory.artifacts()).isEmptyDirectory();
    }

}
