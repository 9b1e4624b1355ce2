package io.quaestor.breach;

import io.quaestor.breach.control.BreachClock;
import io.quaestor.breach.entity.Severity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The breach clock: which obligations, from which anchor, how long; across DST, months and a late severity change. */
class BreachClockTest {

    private static BreachClock clock;
    private static final Instant DETECTED = Instant.parse("2026-03-27T22:00:00Z");
    private static final Instant AWARE = Instant.parse("2026-03-28T06:30:00Z");

    @BeforeAll
    static void shipped() throws Exception {
        clock = BreachClock.read(new StringReader(Files.readString(Path.of("policy-templates/breach/obligations.json"))));
    }

    @Test
    void usersFromDetectionAuthorityFromAwarenessAndTheSeveritySla() {
        List<BreachClock.Due> due = clock.obligations(new BreachClock.Facts(DETECTED, AWARE, Severity.CRITICAL, false));
        assertEquals(DETECTED.plus(Duration.ofHours(24)), find(due, "users-24h").dueAt());
        assertEquals(AWARE.plus(Duration.ofHours(72)), find(due, "authority-72h").dueAt());
        assertEquals(DETECTED.plus(Duration.ofHours(24)), find(due, "ack-critical").dueAt());
        assertEquals(Instant.parse("2026-04-03T22:00:00Z"), find(due, "resolve-critical").dueAt());
        assertTrue(due.stream().noneMatch(d -> d.rule().code().startsWith("nis2")), "NIS2 only when in scope");
        assertTrue(due.stream().noneMatch(d -> d.rule().code().endsWith("-high")));
    }

    @Test
    void seventyTwoHoursAreSeventyTwoRealHoursAcrossTheDaylightSavingChange() {
        // Europe switched to summer time on 2026-03-29: local clocks lost an hour; the legal clock does not.
        BreachClock.Due authority = find(clock.obligations(new BreachClock.Facts(DETECTED, AWARE, Severity.HIGH, false)), "authority-72h");
        assertEquals(72, Duration.between(AWARE, authority.dueAt()).toHours());
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertEquals(7, AWARE.atZone(berlin).getHour(), "aware at 07:30 CET");
        assertEquals(8, authority.dueAt().atZone(berlin).getHour(), "due at 08:30 CEST: the same instant plus 72 h, an hour later on the wall");
    }

    @Test
    void undecidedAwarenessLeavesTheAuthorityClockUnsetAndNis2StagesFollowAwareness() {
        List<BreachClock.Due> due = clock.obligations(new BreachClock.Facts(DETECTED, null, Severity.MEDIUM, true));
        assertNull(find(due, "authority-72h").dueAt());
        assertNull(find(due, "nis2-early-warning").dueAt());
        List<BreachClock.Due> aware = clock.obligations(new BreachClock.Facts(DETECTED, AWARE, Severity.MEDIUM, true));
        assertEquals(AWARE.plus(Duration.ofHours(24)), find(aware, "nis2-early-warning").dueAt());
        assertEquals(Instant.parse("2026-04-28T06:30:00Z"), find(aware, "nis2-final-report").dueAt(), "one calendar month");
    }

    @Test
    void aLateSeverityChangeMovesTheSlaFromTheSameDetection() {
        List<BreachClock.Due> low = clock.obligations(new BreachClock.Facts(DETECTED, AWARE, Severity.LOW, false));
        List<BreachClock.Due> critical = clock.obligations(new BreachClock.Facts(DETECTED, AWARE, Severity.CRITICAL, false));
        assertEquals(DETECTED.plus(Duration.ofDays(7)), find(low, "ack-low").dueAt());
        assertFalse(low.stream().anyMatch(d -> d.rule().code().startsWith("resolve")), "Low: best effort, no resolution deadline");
        assertEquals(DETECTED.plus(Duration.ofHours(24)), find(critical, "ack-critical").dueAt(), "still from detection, not from the change");
    }

    @Test
    void aMalformedRuleSetIsRefusedNamingTheRule() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> BreachClock.read(new StringReader(
                "{\"version\":\"x\",\"rules\":[{\"code\":\"a\",\"regime\":\"r\",\"recipient\":\"p\",\"anchor\":\"aware\",\"period\":\"72 hours\"}]}")));
        assertTrue(bad.getMessage().contains("breach rule a"), bad.getMessage());
    }

    private static BreachClock.Due find(List<BreachClock.Due> due, String code) {
        return due.stream().filter(d -> d.rule().code().equals(code)).findFirst().orElseThrow(() -> new AssertionError(code));
    }

    @Test
    void remindersFallAtTheirShareOfTheWindowAndAFiringKnowsItsShare() {
        Instant aware = Instant.parse("2026-03-27T22:00:00Z");
        Instant due = aware.plus(Duration.ofHours(72));
        assertEquals(aware.plus(Duration.ofHours(36)), BreachClock.pointInWindow(aware, due, 50));
        assertEquals(aware.plus(Duration.ofHours(54)), BreachClock.pointInWindow(aware, due, 75));
        assertEquals(aware.plus(Duration.ofMinutes(72 * 60 * 9 / 10)), BreachClock.pointInWindow(aware, due, 90));
        assertEquals(aware.plus(Duration.ofSeconds(2_592)), BreachClock.pointInWindow(aware, due, 0), "clamped to 1 % (43 min 12 s)");
        assertEquals(90, BreachClock.percentOfWindow(aware, due, BreachClock.pointInWindow(aware, due, 90)));
        assertEquals(100, BreachClock.percentOfWindow(due, due, due), "an empty window is all gone");
    }
}
