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
        return template().canonical(seq, recordedAt);
    }

    /**
     * The canonical form written once, with holes for the two values only the trail gives an event:
     * when it was recorded and its seq. Ingest takes both its content hash and its queued form from
     * one template instead of writing the event twice.
     */
    public Template template() {
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
        json.name("recordedAt");
        String beforeRecordedAt = json.cut();
        json.string("requestId", requestId);
        json.string("resourceId", resourceId);
        json.string("resourceType", resourceType);
        json.name("seq");
        String beforeSeq = json.cut();
        json.string("tenant", tenant);
        return new Template(beforeRecordedAt, beforeSeq, json.close());
    }

    /** {@link #template()}'s three fixed parts: before the recordedAt value, between it and the seq, after the seq. */
    public record Template(String beforeRecordedAt, String beforeSeq, String afterSeq) {

        public byte[] canonical(long seq, Instant recordedAt) {
            return (head(recordedAt) + seq + afterSeq).getBytes(StandardCharsets.UTF_8);
        }

        public Unsequenced unsequenced(Instant recordedAt) {
            return new Unsequenced(head(recordedAt).getBytes(StandardCharsets.UTF_8), afterSeq.getBytes(StandardCharsets.UTF_8));
        }

        /** An ISO instant needs no escaping, so it is quoted as it is. */
        private String head(Instant recordedAt) {
            return beforeRecordedAt + '"' + iso(java.util.Objects.requireNonNull(recordedAt, "recordedAt")) + '"' + beforeSeq;
        }
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

        /** What has been written since the last cut; the object goes on. */
        String cut() {
            String part = out.toString();
            out.setLength(0);
            return part;
        }

        String close() {
            return out.append('}').toString();
        }
    }

    /**
     * As JSON-P escapes: quote, backslash and control characters only, the latter as \b \t \n \f \r
     * or \\u00xx. Runs without any of them are copied whole: most values have none.
     */
    private static StringBuilder quoted(StringBuilder out, String value) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, run, i);
            run = i + 1;
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return out.append(value, run, value.length()).append('"');
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

    /** The canonical form split around the value of its seq member, for an event whose place is given later. */
    public Unsequenced unsequenced(Instant recordedAt) {
        return template().unsequenced(recordedAt);
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
