package dev.filelock.internal.posix;

/**
 * The error when the JVM denies native access ({@code --illegal-native-access=deny} on
 * Java 24+): the native lock cannot work without it, so the message names the flag.
 */
final class NativeAccess {

    static final String FLAG_ADVICE = "start the JVM with --enable-native-access=ALL-UNNAMED (class path), or"
            + " --enable-native-access=dev.filelock,com.sun.jna (module path)";

    private NativeAccess() {
    }

    /**
     * Rethrows a failure to bind natively as the message naming the flag when the JVM
     * denied native access (JNA reports it as the cause of its class's initialization
     * error), otherwise as it is.
     */
    static RuntimeException rethrow(LinkageError failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalCallerException denied) {
                throw denied(denied);
            }
        }
        throw failure;
    }

    static IllegalStateException denied(IllegalCallerException cause) {
        return new IllegalStateException(
                "filelock needs native access (flock, open, stat) and this JVM denies it: " + FLAG_ADVICE, cause);
    }

}
