package dev.filelock.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the cache directory, the fetch log and the origin from {@code sample.*}. */
@Configuration(proxyBeanMethods = false)
class SampleConfiguration {

    @Bean
    CacheDirectory cacheDirectory(SampleProperties properties) {
        return new CacheDirectory(properties.cacheDirectory());
    }

    @Bean
    FetchLog fetchLog(CacheDirectory directory) {
        return new FetchLog(directory.fetchLog());
    }

    @Bean
    ArtifactOrigin artifactOrigin(SampleProperties properties) {
        SampleProperties.Origin origin = properties.origin();
        SlowNetwork network = new SlowNetwork(origin.delay());
        return (origin.directory() != null) ? new DirectoryOrigin(origin.directory(), network)
                : new GeneratedOrigin(origin.artifacts(), origin.size().toBytes(), network);
    }

}
