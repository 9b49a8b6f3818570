package dev.filelock.spring.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application of the HTTP tests: every auto-configuration on the test class path,
 * nothing else.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ObservabilityTestApplication {

    /** Where the HTTP tests save the responses that the README shows. */
    static final Path SAMPLES = Path.of("target", "observability-samples");

    static void saveSample(String name, byte[] json) {
        try {
            Files.createDirectories(SAMPLES);
            Files.write(SAMPLES.resolve(name + ".json"), json);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
