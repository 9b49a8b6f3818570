package dev.filelock.sample;

import dev.filelock.FileLockTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves artifacts from the shared cache, downloading each one once, and reports the
 * downloads.
 */
@RestController
class ArtifactController {

    private final ArtifactCache cache;

    private final ArtifactOrigin origin;

    private final FetchLog fetchLog;

    private final CacheDirectory directory;

    private final String instance;

    ArtifactController(ArtifactCache cache, ArtifactOrigin origin, FetchLog fetchLog, CacheDirectory directory,
            SampleProperties properties) {
        this.cache = cache;
        this.origin = origin;
        this.fetchLog = fetchLog;
        this.directory = directory;
        this.instance = properties.instanceName();
    }

    @GetMapping("/artifacts/{name}")
    ResponseEntity<Resource> artifact(@PathVariable String name) throws IOException {
        ArtifactName artifact = new ArtifactName(name);
        // Asked before any lock: every lock costs a file and, while its entry lives, a
        // connection, so a name the
        // origin lacks must cost nothing, or a client that invents names exhausts the
        // process's descriptors.
        if (!this.origin.has(artifact)) {
            throw new ArtifactNotFoundException(artifact);
        }
        Optional<CachedArtifact> cached = this.cache.find(artifact);
        CachedArtifact found = cached.isPresent() ? cached.get() : this.cache.fetch(artifact);
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_OCTET_STREAM)
            .contentLength(found.size())
            .header(HttpHeaders.CONTENT_DISPOSITION,
                    ContentDisposition.attachment().filename(artifact.value()).build().toString())
            .header("X-Cache", found.fetched() ? "MISS" : "HIT")
            .header("X-Served-By", this.instance)
            .body(new InputStreamResource(found.content()));
    }

    @GetMapping("/artifacts/{name}/stats")
    ArtifactStats stats(@PathVariable String name) throws IOException {
        ArtifactName artifact = new ArtifactName(name);
        List<String> fetchedBy = this.fetchLog.fetches(artifact).stream().map(FetchLog.Fetch::instance).toList();
        return new ArtifactStats(artifact.value(), fetchedBy.size(), fetchedBy,
                Files.isRegularFile(this.directory.artifact(artifact)), this.instance);
    }

    @GetMapping("/fetches")
    Map<String, Long> fetches() throws IOException {
        return this.fetchLog.countsByArtifact();
    }

    @ExceptionHandler(InvalidArtifactNameException.class)
    ProblemDetail invalidName(InvalidArtifactNameException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
    }

    @ExceptionHandler(ArtifactNotFoundException.class)
    ProblemDetail notFound(ArtifactNotFoundException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
    }

    @ExceptionHandler(FileLockTimeoutException.class)
    ProblemDetail busy(FileLockTimeoutException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
    }

    /**
     * What the shared fetch log says about one artifact.
     *
     * @param artifact the artifact name
     * @param fetches how many times any instance downloaded it from the origin
     * @param fetchedBy the instances that downloaded it, oldest first
     * @param cached whether the complete artifact is in the cache
     * @param answeredBy the instance that answered this request
     */
    record ArtifactStats(String artifact, int fetches, List<String> fetchedBy, boolean cached, String answeredBy) {
    }

}
