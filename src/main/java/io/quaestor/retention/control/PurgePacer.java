package io.quaestor.retention.control;

import java.time.Duration;

/**
 * The write-rate ceiling of a purge, beside its time budget per chunk: after each chunk the purge
 * pauses long enough that its rows per second stay under the ceiling, leaving the store time for
 * the gateway's own writes. The ceiling adapts to how busy the store is, judged by a probe commit
 * ({@link RetentionPurge#probe}, which waits for the WAL flush as the gateway's writes do): when
 * the probe takes more than {@code busyFactor} times the quietest seen (and at
 * least half a millisecond more), the gateway is waiting on the store too, and the ceiling drops
 * by a third; otherwise it climbs back by a tenth, never above the configured maximum.
 */
public final class PurgePacer {

    private static final double FLOOR = 500;
    private static final long SLACK_NANOS = 500_000;

    private final double maxRowsPerSecond;
    private final double busyFactor;
    private double ceiling;
    private long quietestProbe = Long.MAX_VALUE;
    private int backoffs;
    private long pausedNanos;

    public PurgePacer(double maxRowsPerSecond, double busyFactor) {
        this.maxRowsPerSecond = maxRowsPerSecond;
        this.busyFactor = busyFactor;
        this.ceiling = maxRowsPerSecond;
    }

    /** After a chunk of {@code rows} that took {@code took}, with the store's probe answering in {@code probe}: how long to pause. */
    public Duration pauseAfter(long rows, Duration took, Duration probe) {
        long probeNanos = probe.toNanos();
        quietestProbe = Math.min(quietestProbe, probeNanos);
        if (probeNanos > quietestProbe * busyFactor && probeNanos > quietestProbe + SLACK_NANOS) {
            ceiling = Math.max(FLOOR, ceiling * 2 / 3);
            backoffs++;
        } else {
            ceiling = Math.min(maxRowsPerSecond, ceiling * 1.1);
        }
        long due = (long) (rows / ceiling * 1e9) - took.toNanos();
        long pause = Math.max(0, due);
        pausedNanos += pause;
        return Duration.ofNanos(pause);
    }

    public double ceiling() {
        return ceiling;
    }

    public int backoffs() {
        return backoffs;
    }

    public Duration paused() {
        return Duration.ofNanos(pausedNanos);
    }
}
