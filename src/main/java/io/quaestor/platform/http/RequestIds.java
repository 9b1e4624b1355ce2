package io.quaestor.platform.http;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Every request has an id: the caller's {@code X-Request-Id} when it is a plain token, otherwise
 * a fresh UUID. The id travels in the response header, in every problem body and in every log
 * line written while the request is served, so an operator can join them without personal data.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private RequestIds() {
    }

    /** Assigns the request its id once, whichever component sees the request first. */
    public static String ensure(HttpServletRequest request) {
        Object existing = request.getAttribute(ATTRIBUTE);
        String id = existing instanceof String s ? s : fromHeaderOrNew(request.getHeader(HEADER));
        request.setAttribute(ATTRIBUTE, id);
        CURRENT.set(id);
        return id;
    }

    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static void clear() {
        CURRENT.remove();
    }

    static String fromHeaderOrNew(String header) {
        if (header != null && ACCEPTABLE.matcher(header).matches()) {
            return header;
        }
        return UUID.randomUUID().toString();
    }
}
