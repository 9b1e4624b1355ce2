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
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7e]{8,512}");

    private final String kind;
    private final Object value;

    private SubjectIdentifier(String kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    /**
     * An identifier whose form does not depend on the store: an email address, an API key or a
     * key prefix.
     *
     * @throws InvalidInputException naming {@code kind} or {@code value} when either is not acceptable
     */
    public static SubjectIdentifier of(String kind, String raw) {
        return of(kind, raw, null);
    }

    /**
     * As {@link #of(String, String)}, and for account ids and organizations, whose form is that of
     * the store's key ({@code subject.keyType()}, {@code subject.tenantType()}: uuid, integer or text).
     */
    public static SubjectIdentifier of(String kind, String raw, DataMap.Subject subject) {
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
            case "account-id" -> new SubjectIdentifier(kind, keyValue(value, storeType(subject, true)));
            case "organization" -> new SubjectIdentifier(kind, keyValue(value, storeType(subject, false)));
            case "api-key-prefix" -> {
                if (!KEY_PREFIX.matcher(value).matches()) {
                    throw new InvalidInputException("value", "An API key prefix is 4 to 16 letters, digits, '_' or '-'.");
                }
                yield new SubjectIdentifier(kind, value);
            }
            case "api-key" -> {
                if (!API_KEY.matcher(value).matches()) {
                    throw new InvalidInputException("value", "An API key is 8 to 512 printable characters without spaces.");
                }
                yield new SubjectIdentifier(kind, value);
            }
            default -> throw new InvalidInputException("kind",
                    "The kind must be email, account-id, api-key, api-key-prefix or organization.");
        };
    }

    /**
     * Checks that {@code raw} is an account id in the form of some kind of subject's key (a kind
     * that declares account ids, or the first kind): a request or hold by it is resolved in every
     * kind that can read it.
     *
     * @throws InvalidInputException naming {@code field} when no kind can read it
     */
    public static void requireAccountId(String raw, DataMap map, String field) {
        InvalidInputException refused = null;
        for (DataMap.Subject kind : map.subjects()) {
            if (kind != map.subject() && kind.identifier("account-id").isEmpty()) {
                continue;
            }
            try {
                of("account-id", raw, kind);
                return;
            } catch (InvalidInputException e) {
                refused = refused == null ? e : refused;
            }
        }
        throw new InvalidInputException(field, refused == null ? "Not an account id." : refused.getMessage());
    }

    private static String storeType(DataMap.Subject subject, boolean key) {
        if (subject == null) {
            throw new IllegalArgumentException("an account id or organization takes its form from the data map's subject");
        }
        return key ? subject.keyType() : subject.tenantType();
    }

    /** The value in the key's type: a UUID, a whole number, or text of at most 256 characters without controls. */
    private static Object keyValue(String value, String type) {
        switch (type == null ? "uuid" : type) {
            case "integer" -> {
                try {
                    return Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("value", "This identifier must be a whole number.");
                }
            }
            case "text" -> {
                if (value.length() > 256 || value.chars().anyMatch(Character::isISOControl)) {
                    throw new InvalidInputException("value", "This identifier is at most 256 characters, without control characters.");
                }
                return value;
            }
            default -> {
                try {
                    return UUID.fromString(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("value", "This identifier must be a UUID.");
                }
            }
        }
    }

    public String kind() {
        return kind;
    }

    /** The value as bound to SQL: a lower-cased email, a key in its store type, a key prefix, or an API key (hashed before use). */
    public Object value() {
        return value;
    }

    @Override
    public String toString() {
        return "SubjectIdentifier[" + kind + "]";
    }
}
