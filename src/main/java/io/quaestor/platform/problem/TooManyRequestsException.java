package io.quaestor.platform.problem;

import java.time.Duration;
import java.util.Map;

/** A rate limit was reached; {@code Retry-After} says when to try again. */
public class TooManyRequestsException extends QuaestorException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    public TooManyRequestsException(String detail, Duration retryAfter) {
        super(detail, null);
        this.retryAfterSeconds = Math.max(1, retryAfter.toSeconds());
    }

    @Override
    public int status() {
        return 429;
    }

    @Override
    public String slug() {
        return "rate-limited";
    }

    @Override
    public String title() {
        return "Too many requests";
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }
}
