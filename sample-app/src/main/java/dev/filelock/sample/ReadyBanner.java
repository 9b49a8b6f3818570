package dev.filelock.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Tells whoever started the application where to look, once it serves requests. */
@Component
class ReadyBanner implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger logger = LoggerFactory.getLogger(ReadyBanner.class);

    private final SampleProperties properties;

    private final CacheDirectory directory;

    private final ArtifactOrigin origin;

    ReadyBanner(SampleProperties properties, CacheDirectory directory, ArtifactOrigin origin) {
        this.properties = properties;
        this.directory = directory;
        this.origin = origin;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        String address = event.getApplicationContext().getEnvironment().getProperty("server.address", "");
        String base = "http://localhost:" + port;
        logger.info(
                """

                        Sample instance {} ready at {}
                          an artifact (downloaded once, then cached): curl -o model.bin {}/artifacts/model.bin
                          the origin serves {} (any other name: 404, no lock taken)
                          downloads per artifact (shared by all instances): {}/fetches and {}/artifacts/model.bin/stats
                          locks held right now: {}/actuator/filelocks   health: {}/actuator/health   metrics: {}/actuator/metrics
                          cache directory (shared; start another instance with --server.port=8081): {}
                          listening on {} (server.address; the actuator shows lock paths and pids to whoever reaches it)
                        """,
                this.properties.instanceName(), base, base, this.origin, base, base, base, base, base,
                this.directory.root(), address.isEmpty() ? "every interface" : address);
    }

}
