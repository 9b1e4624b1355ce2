package io.quaestor.platform.outbox;

import java.time.Duration;

/** How long a failed delivery waits: doubling from a base (1 minute unless said), at most an hour. */
public final class Retry {

    private static final Duration CEILING = Duration.ofHours(1);

    private Retry() {
    }

    public static Duration pauseAfter(int attempts) {
        return pauseAfter(attempts, Duration.ofMinutes(1));
    }

    public static Duration pauseAfter(int attempts, Duration base) {
        Duration pause = base.multipliedBy(1L << Math.min(12, Math.max(0, attempts)));
        return pause.compareTo(CEILING) > 0 ? CEILING : pause;
    }
}
