package io.quaestor.retention;

import io.quaestor.retention.control.PurgePacer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The purge's write-rate ceiling: paused to stay under it, lowered while the store answers slowly, raised again when it is quiet. */
class PurgePacerTest {

    private static final Duration QUIET = Duration.ofNanos(300_000);

    @Test
    void aChunkFasterThanTheCeilingIsFollowedByThePauseThatKeepsTheRateUnderIt() {
        PurgePacer pacer = new PurgePacer(10_000, 3);
        Duration pause = pacer.pauseAfter(5_000, Duration.ofMillis(100), QUIET);
        assertEquals(400, pause.toMillis(), "5,000 rows at 10,000 rows/s take half a second, 0.1 s of which the chunk took");
        assertEquals(Duration.ZERO, pacer.pauseAfter(1_000, Duration.ofMillis(200), QUIET), "a chunk slower than the ceiling needs no pause");
    }

    @Test
    void aBusyStoreLowersTheCeilingAndAQuietOneRaisesItBackButNeverAboveTheMaximum() {
        PurgePacer pacer = new PurgePacer(10_000, 3);
        pacer.pauseAfter(1_000, Duration.ofMillis(50), QUIET);
        pacer.pauseAfter(1_000, Duration.ofMillis(50), Duration.ofMillis(5));
        assertEquals(1, pacer.backoffs());
        assertEquals(10_000 * 2.0 / 3, pacer.ceiling(), 0.001);
        pacer.pauseAfter(1_000, Duration.ofMillis(50), Duration.ofNanos(600_000));
        assertEquals(1, pacer.backoffs(), "twice the quietest but less than half a millisecond slower is noise, not load");
        for (int i = 0; i < 20; i++) {
            pacer.pauseAfter(1_000, Duration.ofMillis(50), QUIET);
        }
        assertEquals(10_000, pacer.ceiling(), 0.001);
        assertTrue(pacer.paused().toMillis() > 0);
    }
}
