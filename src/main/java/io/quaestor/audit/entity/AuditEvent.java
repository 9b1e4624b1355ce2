package io.quaestor.audit.entity;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObjectBuilder;

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

    /** Looked up once: Json.createObjectBuilder() would search for a provider on every call, for every event. */
    private static final JsonProvider JSON = JsonProvider.provider();

    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /**
     * The bytes the Merkle leaf covers: a JSON object with members in a fixed (sorted) order, absent
     * members left out, instants in ISO-8601 UTC to the microsecond (PostgreSQL's precision), and the
     * sequence number included so that an event cannot be moved to another position.
     */
    public byte[] canonical(long seq, Instant recordedAt) {
        Map<String, Object> members = new TreeMap<>();
        members.put("seq", seq);
        members.put("eventId", eventId.toString());
        members.put("occurredAt", iso(occurredAt));
        members.put("recordedAt", iso(recordedAt));
        members.put("actor", actor);
        members.put("actorRole", actorRole);
        members.put("authenticationMethod", authenticationMethod);
        members.put("breakGlass", breakGlass);
        members.put("action", action);
        members.put("resourceType", resourceType);
        members.put("resourceId", resourceId);
        members.put("tenant", tenant);
        members.put("justificationCode", justificationCode);
        members.put("justificationReference", justificationReference);
        members.put("grantId", grantId == null ? null : grantId.toString());
        members.put("approvalId", approvalId == null ? null : approvalId.toString());
        members.put("outcome", outcome);
        members.put("origin", origin);
        members.put("requestId", requestId);
        members.put("details", canonicalDetails());
        JsonObjectBuilder json = JSON.createObjectBuilder();
        members.forEach((name, value) -> {
            if (value instanceof Long number) {
                json.add(name, number);
            } else if (value instanceof Boolean flag) {
                json.add(name, flag);
            } else if (value != null) {
                json.add(name, (String) value);
            }
        });
        return json.build().toString().getBytes(StandardCharsets.UTF_8);
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
        JsonObjectBuilder json = JSON.createObjectBuilder();
        new TreeMap<>(details).forEach(json::add);
        return json.build().toString();
    }

    /** Microsecond precision, so that what PostgreSQL stores reproduces the same bytes. */
    public static Instant truncated(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(truncated(instant));
    }
}
