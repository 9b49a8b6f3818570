package dev.filelock.sample;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the sample, bound from {@code sample.*}.
 *
 * @param cacheDirectory directory shared by every instance: cached artifacts, temporary
 * downloads, lock files and the fetch log
 * @param instance name of this instance in logs and in the fetch log; blank means
 * "pid@host"
 * @param origin where missing artifacts come from
 */
@ConfigurationProperties("sample")
public record SampleProperties(Path cacheDirectory, @DefaultValue("") String instance, @DefaultValue Origin origin) {

    /**
     * The simulated remote origin: files of a local directory if one is set, otherwise
     * generated content.
     *
     * @param directory directory to copy artifacts from, or none to generate them
     * @param delay how long one download takes (spread over its chunks, like a slow
     * network)
     * @param size size of a generated artifact
     * @param artifacts the names the generated origin serves (any other name is not
     * found); ignored with a directory
     */
    public record Origin(@Nullable Path directory, @DefaultValue("3s") Duration delay,
            @DefaultValue("8MB") DataSize size, @DefaultValue( {
                    "model.bin", "model.safetensors", "tokenizer.json", "config.json" }) List<String> artifacts){
    }

    /**
     * Returns the instance name, "pid@host" when none is configured.
     * @return the instance name
     */
    public String instanceName() {
        return this.instance.isBlank() ? ProcessHandle.current().pid() + "@" + hostName() : this.instance;
    }

    /**
     * Checks the settings.
     * @throws IllegalArgumentException if the instance name contains a tab or a line
     * break (it is a fetch log field)
     */
    public SampleProperties {
        if (instance.chars().anyMatch((c) -> c == '\t' || c == '\n' || c == '\r')) {
            throw new IllegalArgumentException(
                    "sample.instance must not contain tabs or line breaks: '" + instance + "'");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "localhost";
        }
    }
}
