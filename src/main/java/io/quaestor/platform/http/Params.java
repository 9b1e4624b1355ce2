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

    public static Instant instant(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, name + " must be an ISO-8601 instant such as 2026-11-24T12:00:00Z.");
        }
    }

    public static LocalDate date(String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, name + " must be a date such as 2026-11-24.");
        }
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
