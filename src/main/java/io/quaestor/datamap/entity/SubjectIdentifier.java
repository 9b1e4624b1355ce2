package io.quaestor.datamap.entity;

import io.quaestor.platform.problem.InvalidInputException;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a data subject gives us to be found by, checked for its kind's form, so that a malformed
 * value is refused (422) before any query runs. The value is personal data: it is never logged.
 */
public final class SubjectIdentifier {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s.]{2,63}");
    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_-]{4,16}");

    private final String kind;
    private final Object value;

    private SubjectIdentifier(String kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    /** @throws InvalidInputException naming {@code kind} or {@code value} when either is not acceptable */
    public static SubjectIdentifier of(String kind, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInputException("value", "An identifier value is required.");
        }
        String value = raw.strip();
        return switch (kind == null ? "" : kind) {
            case "email" -> {
                if (value.length() > 320 || !EMAIL.matcher(value).matches()) {
                    throw new InvalidInputException("value", "This is not an email address.");
                }
                yield new SubjectIdentifier(kind, value.toLowerCase(Locale.ROOT));
            }
            case "account-id", "organization" -> new SubjectIdentifier(kind, uuid(value));
            case "api-key-prefix" -> {
                if (!KEY_PREFIX.matcher(value).matches()) {
                    throw new InvalidInputException("value", "An API key prefix is 4 to 16 letters, digits, '_' or '-'.");
                }
                yield new SubjectIdentifier(kind, value);
            }
            default -> throw new InvalidInputException("kind", "The kind must be email, account-id, api-key-prefix or organization.");
        };
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("value", "This identifier must be a UUID.");
        }
    }

    public String kind() {
        return kind;
    }

    /** The value as bound to SQL: a lower-cased email, a UUID, or a key prefix. */
    public Object value() {
        return value;
    }

    @Override
    public String toString() {
        return "SubjectIdentifier[" + kind + "]";
    }
}
