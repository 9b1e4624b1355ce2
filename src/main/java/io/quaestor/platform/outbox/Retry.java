package io.quaestor.platform.outbox;

import java.time.Duration;

/** How long a failed delivery waits: 1, 2, 4 ... minutes, at most an hour. */
public final class Retry {

    private Retry() {
    }

    public static Duration pauseAfter(int attempts) {
        return Duration.ofMinutes(Math.min(60, 1L << Math.min(6, Math.max(0, attempts))));
    }
}
