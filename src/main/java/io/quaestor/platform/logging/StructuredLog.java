package io.quaestor.platform.logging;

import io.quaestor.platform.http.RequestIds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The only way Quaestor code writes log lines. Each line is an event name plus named fields; the
 * request id is added, and any value that looks like an email address, an IP address or a bearer
 * token is masked before it is written. Callers pass ids and counts, never personal data; the
 * masking is the net under that rule, not a licence to break it.
 */
public final class StructuredLog {

    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
    private static final Pattern IPV6 = Pattern.compile("\\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\\b");
    private static final Pattern TOKEN = Pattern.compile("qst_[A-Za-z0-9_-]{8,}");
    private static final int STACK_FRAMES = 12;

    private final Logger logger;

    private StructuredLog(Logger logger) {
        this.logger = logger;
    }

    public static StructuredLog of(Class<?> owner) {
        return new StructuredLog(Logger.getLogger(owner.getName()));
    }

    public void info(String event, Map<String, ?> fields) {
        write(Level.INFO, event, fields, null);
    }

    public void warn(String event, Map<String, ?> fields) {
        write(Level.WARNING, event, fields, null);
    }

    /** An exception, with class names, masked messages and the top stack frames. */
    public void failure(Level level, String event, Throwable failure) {
        write(level, event, Map.of(), failure);
    }

    private void write(Level level, String event, Map<String, ?> fields, Throwable failure) {
        if (!logger.isLoggable(level)) {
            return;
        }
        Map<String, String> members = new LinkedHashMap<>();
        members.put("event", event);
        RequestIds.current().ifPresent(id -> members.put("requestId", id));
        fields.forEach((key, value) -> members.put(key, mask(String.valueOf(value))));
        if (failure != null) {
            members.put("failure", describe(failure));
        }
        // The message reads on its own on a terminal (event key=value ...); JSON formatters also get the fields as members.
        LogRecord record = new LogRecord(level, readable(members));
        record.setLoggerName(logger.getName());
        record.setParameters(new Object[]{members});
        logger.log(record);
    }

    private static String readable(Map<String, String> members) {
        StringBuilder line = new StringBuilder(members.get("event"));
        members.forEach((key, value) -> {
            if (!key.equals("event")) {
                line.append(' ').append(key).append('=').append(value);
            }
        });
        return line.toString();
    }

    public static String mask(String value) {
        String masked = EMAIL.matcher(value).replaceAll("<email>");
        masked = TOKEN.matcher(masked).replaceAll("<token>");
        masked = IPV4.matcher(masked).replaceAll("<ip>");
        return IPV6.matcher(masked).replaceAll("<ip>");
    }

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(mask(t.getMessage()));
            }
            text.append('\n');
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++) {
                text.append("  at ").append(frames[i]).append('\n');
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }
}
