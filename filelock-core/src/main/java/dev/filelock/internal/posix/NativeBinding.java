package dev.filelock.internal.posix;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;

/**
 * Chooses {@link NativeCalls#CURRENT}: the {@code java.lang.foreign} binding
 * ({@code FfmCalls}, compiled only by a JDK 22+ build into the jar's
 * {@code META-INF/versions/22}) when this JVM runs Java 22+ and may use it, otherwise
 * JNA. The system property {@value #PROPERTY}{@code =jna} forces JNA.
 */
final class NativeBinding {

    /** Set to {@code jna} to keep the JNA binding on Java 22+. */
    static final String PROPERTY = "dev.filelock.nativeBinding";

    private static final System.Logger LOG = System.getLogger("dev.filelock");

    private static final String FFM_CLASS = "dev.filelock.internal.posix.FfmCalls";

    private static final int FFM_RELEASE = 22;

    private NativeBinding() {
    }

    static NativeCalls choose() {
        if (Runtime.version().feature() < FFM_RELEASE || "jna".equals(System.getProperty(PROPERTY))) {
            return JnaCalls.load();
        }
        try {
            return (NativeCalls) Class.forName(FFM_CLASS).getDeclaredConstructor().newInstance();
        }
        catch (ClassNotFoundException builtOnOlderJdk) {
            LOG.log(Level.DEBUG, "This filelock-core jar has no java.lang.foreign binding; using JNA");
        }
        catch (ReflectiveOperationException | LinkageError | RuntimeException unusable) {
            // IllegalCallerException (--illegal-native-access=deny without
            // --enable-native-access) or a libc without the symbols: JNA may still work.
            Throwable cause = unusable instanceof InvocationTargetException ? unusable.getCause() : unusable;
            LOG.log(Level.DEBUG, "The java.lang.foreign binding is not usable here; using JNA", cause);
        }
        return JnaCalls.load();
    }

}
