package dev.filelock.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures what the library logs through {@code System.Logger} named
 * {@code dev.filelock}, which the JDK's default logger finder routes to
 * {@code java.util.logging}.
 */
public final class CapturedLog implements AutoCloseable {

    /**
     * Held strongly, so that the level set here is not lost when the logger is garbage
     * collected.
     */
    private static final Logger LOGGER = Logger.getLogger("dev.filelock");

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private final Level previousLevel;

    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog() {
        previousLevel = LOGGER.getLevel();
        handler.setLevel(Level.ALL);
        LOGGER.setLevel(Level.ALL);
        LOGGER.addHandler(handler);
    }

    /**
     * Starts capturing every record of {@code dev.filelock} and its child loggers.
     * @return the capture, to be closed at the end
     */
    public static CapturedLog start() {
        return new CapturedLog();
    }

    /**
     * Returns the formatted messages of the captured records at
     * {@code System.Logger.Level.DEBUG} ({@code FINE}).
     * @return the debug messages, oldest first
     */
    public List<String> debugMessages() {
        SimpleFormatter formatter = new SimpleFormatter();
        return records.stream().filter(r -> r.getLevel().equals(Level.FINE)).map(formatter::formatMessage).toList();
    }

    @Override
    public void close() {
        LOGGER.removeHandler(handler);
        LOGGER.setLevel(previousLevel);
    }

}
