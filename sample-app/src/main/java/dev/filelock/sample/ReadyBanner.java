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

    ReadyBanner(SampleProperties properties, CacheDirectory directory) {
        this.properties = properties;
        this.directory = directory;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        String base = "http://localhost:" + port;
        logger.info("""

                Sample instance {} ready at {}
                  an artifact (downloaded once, then cached): curl -o model.bin {}/artifacts/model.bin
                  downloads per artifact (shared by all instances): {}/fetches and {}/artifacts/model.bin/stats
                  locks held right now: {}/actuator/filelocks   health: {}/actuator/health   metrics: {}/actuator/metrics
                  cache directory (shared; start another instance with --server.port=8081): {}
                """, this.properties.instanceName(), base, base, base, base, base, base, base, this.directory.root());
    }
}
