package io.quaestor.platform.http;

import java.util.Optional;

/**
 * Which characters a text value may hold. NUL and the other C0 and C1 controls are never text
 * (PostgreSQL refuses NUL outright); line breaks and tabs belong only in prose. Bidirectional
 * embeddings, overrides and isolates reorder what a reader sees, so they are refused in single-line
 * values and made visible wherever prose is rendered for a person.
 */
public final class TextRules {

    private TextRules() {
    }

    /** Why the value is refused, or empty when it is acceptable text. */
    public static Optional<String> problem(String value, boolean multiLine) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c) && !(multiLine && (c == '\n' || c == '\r' || c == '\t'))) {
                return Optional.of(multiLine
                        ? "must not contain control characters (other than line breaks and tabs)"
                        : "must be a single line without control characters");
            }
            if (!multiLine && isBidiControl(c)) {
                return Optional.of("must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C)");
            }
        }
        return Optional.empty();
    }

    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    public static boolean isBidiControl(char c) {
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }

    /**
     * Prose as a person should see it: every bidirectional control shown as its code point
     * ({@code [U+202E]}), so text cannot be reordered to read as something it is not.
     */
    public static String visible(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isBidiControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("[U+%04X]", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
