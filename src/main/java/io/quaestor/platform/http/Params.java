package io.quaestor.platform.http;

import io.quaestor.platform.problem.InvalidInputException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Parses query parameters and text fields here rather than by JAX-RS, whose answer to a malformed
 * query parameter is a bare 404: a bad value gets a 422 naming the parameter. Null stays null.
 */
public final class Params {

    private Params() {
    }

    public static UUID uuid(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(name, name + " must be a UUID.");
        }
    }

    /** The earliest and the latest instant any field may hold: far outside them a value is a typo or an attack. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");
    /** How far ahead of this server's clock a "when did it happen" may be, for the sender's clock skew. */
    public static final Duration SKEW = Duration.ofMinutes(5);

    /** An instant between 1970 and 2200, whatever it means; finer ranges belong to its meaning (see {@link #past}). */
    public static Instant instant(String name, String raw) {
        if (raw == null) {
            return null;
        }
        Instant value;
        try {
            value = Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, name + " must be an ISO-8601 instant such as 2026-11-24T12:00:00Z.");
        }
        if (value.isBefore(EARLIEST) || !value.isBefore(LATEST)) {
            throw new InvalidInputException(name, name + " must lie between 1970 and 2200.");
        }
        return value;
    }

    /** When something happened: not after now (give or take the clock skew), and not longer ago than {@code maxAge}. */
    public static Instant past(String name, String raw, Instant now, Duration maxAge) {
        Instant value = instant(name, raw);
        if (value == null) {
            return null;
        }
        if (value.isAfter(now.plus(SKEW))) {
            throw new InvalidInputException(name, name + " cannot be in the future.");
        }
        if (value.isBefore(now.minus(maxAge))) {
            throw new InvalidInputException(name, name + " cannot be more than " + maxAge.toDays() + " days ago.");
        }
        return value;
    }

    /** A time to come (a due date): within {@code before} in the past (late entry) to {@code ahead} in the future. */
    public static Instant planned(String name, String raw, Instant now, Duration before, Duration ahead) {
        Instant value = instant(name, raw);
        if (value == null) {
            return null;
        }
        if (value.isBefore(now.minus(before)) || value.isAfter(now.plus(ahead))) {
            throw new InvalidInputException(name, name + " must lie between " + before.toDays() + " days ago and "
                    + ahead.toDays() + " days from now.");
        }
        return value;
    }

    public static LocalDate date(String name, String raw) {
        if (raw == null) {
            return null;
        }
        LocalDate value;
        try {
            value = LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, name + " must be a date such as 2026-11-24.");
        }
        if (value.getYear() < 1970 || value.getYear() >= 2200) {
            throw new InvalidInputException(name, name + " must lie between 1970 and 2200.");
        }
        return value;
    }

    public static Duration duration(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Duration.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, name + " must be an ISO-8601 duration such as PT2H.");
        }
    }

    public static long number(String name, String raw, long fallback, long min, long max) {
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min || value > max) {
                throw new InvalidInputException(name, name + " must be from " + min + " to " + max + ".");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name, name + " must be a whole number.");
        }
    }
}
