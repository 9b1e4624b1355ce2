package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.Regime;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Every legal deadline of a data-subject request, computed here and nowhere else.
 * <ul>
 *   <li>GDPR Art. 12(3): one month from receipt. The period ends on the same date of the next
 *   month; where that month has no such date, on its last day (31 January gives 28 or 29 February).
 *   One extension by up to two further months: at most three months from receipt, same rule.</li>
 *   <li>CCPA/CPRA: 45 calendar days from receipt, one extension by up to 45 more (90 in all).</li>
 * </ul>
 * Dates are taken in UTC and a deadline is the end of its last day (exclusive instant: the start of
 * the next day, UTC). Weekends and holidays do not move a deadline: answering earlier is always lawful.
 */
public final class LegalClock {

    private LegalClock() {
    }

    /** The deadline without extension. */
    public static Instant firstDeadline(Regime regime, Instant receivedAt) {
        LocalDate received = LocalDate.ofInstant(receivedAt, ZoneOffset.UTC);
        return endOf(regime == Regime.GDPR ? received.plusMonths(1) : received.plusDays(45));
    }

    /** The latest an extension may move the deadline to. */
    public static Instant latestExtendedDeadline(Regime regime, Instant receivedAt) {
        LocalDate received = LocalDate.ofInstant(receivedAt, ZoneOffset.UTC);
        return endOf(regime == Regime.GDPR ? received.plusMonths(3) : received.plusDays(90));
    }

    /** The deadline instant for an extension to the end of this date. */
    public static Instant endOf(LocalDate lastDay) {
        return lastDay.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The last day of a deadline, as a subject or officer reads it. */
    public static LocalDate lastDay(Instant deadline) {
        return LocalDate.ofInstant(deadline, ZoneOffset.UTC).minusDays(1);
    }
}
