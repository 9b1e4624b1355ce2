package io.quaestor.dsar;

import io.quaestor.dsar.control.LegalClock;
import io.quaestor.dsar.entity.Regime;
import io.quaestor.dsar.entity.SubjectRegion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LegalClockTest {

    @ParameterizedTest(name = "GDPR: received {0} → due by the end of {1}, extendable to the end of {2}")
    @CsvSource({
            "2026-01-15T09:30:00Z, 2026-02-15, 2026-04-15",
            "2026-01-31T23:59:59Z, 2026-02-28, 2026-04-30",
            "2028-01-31T00:00:00Z, 2028-02-29, 2028-04-30",
            "2026-03-31T12:00:00Z, 2026-04-30, 2026-06-30",
            "2026-08-31T12:00:00Z, 2026-09-30, 2026-11-30",
            "2026-11-30T12:00:00Z, 2026-12-30, 2027-02-28",
            "2026-12-31T12:00:00Z, 2027-01-31, 2027-03-31"
    })
    void gdprRunsOneMonthWithTheMonthEndRuleAndThreeAtMost(String received, String due, String latest) {
        Instant at = Instant.parse(received);
        assertEquals(LocalDate.parse(due), LegalClock.lastDay(LegalClock.firstDeadline(Regime.GDPR, at)));
        assertEquals(LocalDate.parse(latest), LegalClock.lastDay(LegalClock.latestExtendedDeadline(Regime.GDPR, at)));
    }

    @ParameterizedTest(name = "CCPA: received {0} → due by the end of {1}, extendable to the end of {2}")
    @CsvSource({
            "2026-01-15T09:30:00Z, 2026-03-01, 2026-04-15",
            "2028-01-15T09:30:00Z, 2028-02-29, 2028-04-14",
            "2026-12-20T23:00:00Z, 2027-02-03, 2027-03-20"
    })
    void ccpaRunsFortyFiveDaysAndNinetyAtMost(String received, String due, String latest) {
        Instant at = Instant.parse(received);
        assertEquals(LocalDate.parse(due), LegalClock.lastDay(LegalClock.firstDeadline(Regime.CCPA, at)));
        assertEquals(LocalDate.parse(latest), LegalClock.lastDay(LegalClock.latestExtendedDeadline(Regime.CCPA, at)));
    }

    @Test
    void aDeadlineIsTheEndOfItsLastDayInUtc() {
        Instant deadline = LegalClock.firstDeadline(Regime.GDPR, Instant.parse("2026-05-10T22:00:00Z"));
        assertEquals(Instant.parse("2026-06-11T00:00:00Z"), deadline);
    }

    @Test
    void californiansAreUnderTheCcpaEveryoneElseUnderTheStricterGdprClock() {
        assertEquals(Regime.CCPA, Regime.forRegion(SubjectRegion.US_CA));
        for (SubjectRegion region : SubjectRegion.values()) {
            if (region != SubjectRegion.US_CA) {
                assertEquals(Regime.GDPR, Regime.forRegion(region), region.name());
            }
        }
    }
}
