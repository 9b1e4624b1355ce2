package io.quaestor.audit.entity;


import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One audited action, before it has its place in the trail. Customer identifiers never appear in
 * clear: {@code actor} is a staff id or a service pseudonym, {@code resourceId} an id or a keyed
 * pseudonym, {@code origin} a truncated network (/24, /48).
 */
public record AuditEvent(UUID eventId, Instant occurredAt, String actor, String actorRole, String authenticationMethod,
                         boolean breakGlass, String action, String resourceType, String resourceId, String tenant,
                         String justificationCode, String justificationReference, UUID grantId, UUID approvalId,
                         String outcome, String origin, String requestId, Map<String, String> details) {

    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /**
     * The bytes the Merkle leaf covers: a JSON object with members in a fixed (sorted) order, absent
     * members left out, instants in ISO-8601 UTC to the microsecond (PostgreSQL's precision), and the
     * sequence number included so that an event cannot be moved to another position.
     */
    public byte[] canonical(long seq, Instant recordedAt) {
        // Written by hand, byte for byte as JSON-P (Parsson) writes the same sorted object: this runs
        // for every event appended and every event verified, and JSON-P's builder was most of the
        // ingest's CPU time. AuditEventCanonicalTest holds the two to the same bytes.
        Json json = new Json();
        json.string("action", action);
        json.string("actor", actor);
        json.string("actorRole", actorRole);
        json.string("approvalId", approvalId == null ? null : approvalId.toString());
        json.string("authenticationMethod", authenticationMethod);
        json.name("breakGlass").append(breakGlass);
        json.string("details", canonicalDetails());
        json.string("eventId", eventId.toString());
        json.string("grantId", grantId == null ? null : grantId.toString());
        json.string("justificationCode", justificationCode);
        json.string("justificationReference", justificationReference);
        json.string("occurredAt", iso(occurredAt));
        json.string("origin", origin);
        json.string("outcome", outcome);
        json.string("recordedAt", iso(recordedAt));
        json.string("requestId", requestId);
        json.string("resourceId", resourceId);
        json.string("resourceType", resourceType);
        json.name("seq").append(seq);
        json.string("tenant", tenant);
        return json.close().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON object written member by member, in the order given (callers give sorted names), absent values left out. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder(640).append('{');
        private boolean first = true;

        StringBuilder name(String name) {
            if (!first) {
                out.append(',');
            }
            first = false;
            return quoted(out, name).append(':');
        }

        void string(String name, String value) {
            if (value != null) {
                quoted(name(name), value);
            }
        }

        String close() {
            return out.append('}').toString();
        }
    }

    /** As JSON-P escapes: quote, backslash and control characters only, the latter as \b \t \n \f \r or \\u00xx. */
    private static StringBuilder quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** The canonical form without its seq: {@code head || decimal seq || tail} is {@link #canonical}. */
    public record Unsequenced(byte[] head, byte[] tail) {
        public byte[] with(long seq) {
            byte[] number = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
            byte[] whole = java.util.Arrays.copyOf(head, head.length + number.length + tail.length);
            System.arraycopy(number, 0, whole, head.length, number.length);
            System.arraycopy(tail, 0, whole, head.length + number.length, tail.length);
            return whole;
        }
    }

    private static final byte[] SEQ_MEMBER = "\"seq\":0".getBytes(StandardCharsets.US_ASCII);

    /**
     * The canonical form split around the value of its seq member, for an event whose place is
     * given later. The pattern {@code "seq":} occurs once: inside a string value its quotes would
     * be escaped.
     */
    public Unsequenced unsequenced(Instant recordedAt) {
        byte[] whole = canonical(0, recordedAt);
        for (int i = 0; i + SEQ_MEMBER.length <= whole.length; i++) {
            if (java.util.Arrays.equals(whole, i, i + SEQ_MEMBER.length, SEQ_MEMBER, 0, SEQ_MEMBER.length)) {
                int digit = i + SEQ_MEMBER.length - 1;
                return new Unsequenced(java.util.Arrays.copyOfRange(whole, 0, digit),
                        java.util.Arrays.copyOfRange(whole, digit + 1, whole.length));
            }
        }
        throw new IllegalStateException("the canonical form has no seq member");
    }

    /** The details as sorted JSON text, the form stored beside the event. */
    public String canonicalDetails() {
        Json json = new Json();
        new TreeMap<>(details).forEach(json::string);
        return json.close();
    }

    /** Microsecond precision, so that what PostgreSQL stores reproduces the same bytes. */
    public static Instant truncated(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(truncated(instant));
    }
}
