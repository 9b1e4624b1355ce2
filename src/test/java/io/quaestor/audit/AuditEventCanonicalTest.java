package io.quaestor.audit;

import io.quaestor.audit.entity.AuditEvent;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written canonical form is byte for byte what JSON-P wrote before it: every trail
 * written so far, and every verifier, depends on these bytes.
 */
class AuditEventCanonicalTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    @Test
    void everyCharacterIsWrittenAsJsonPWritesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        all.append("\u2028\u2029\uFEFF😀\uD800x\uDFFF");
        AuditEvent event = event(new Random(1), all.toString());
        Instant at = Instant.parse("2026-12-03T12:00:00.000001Z");
        assertEquals(new String(reference(event, 42, at), StandardCharsets.UTF_8), new String(event.canonical(42, at), StandardCharsets.UTF_8));
        assertArrayEquals(reference(event, 42, at), event.canonical(42, at));
    }

    @Test
    void randomEventsMatchTheReferenceForm() {
        Random random = new Random(19);
        for (int i = 0; i < 2_000; i++) {
            AuditEvent event = event(random, text(random));
            long seq = random.nextInt(3) == 0 ? random.nextLong() & Long.MAX_VALUE : random.nextInt(1000);
            Instant at = Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
            assertArrayEquals(reference(event, seq, at), event.canonical(seq, at), "event " + i);
        }
    }

    private static AuditEvent event(Random random, String text) {
        Map<String, String> details = new HashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            details.put("k" + random.nextInt(50), text(random) + text);
        }
        return new AuditEvent(UUID.randomUUID(), Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000)),
                text, maybe(random, text), maybe(random, "SSO"), random.nextBoolean(), "a." + text, "account", maybe(random, text),
                maybe(random, text), maybe(random, "CUSTOMER_SUPPORT"), maybe(random, text), random.nextBoolean() ? UUID.randomUUID() : null,
                random.nextBoolean() ? UUID.randomUUID() : null, "success", maybe(random, "203.0.113.0/24"), maybe(random, text), details);
    }

    private static String maybe(Random random, String value) {
        return random.nextBoolean() ? value : null;
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int kind = random.nextInt(5);
            s.append(switch (kind) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> "\"\\/";
                case 2 -> (char) (0x20 + random.nextInt(0x5f));
                case 3 -> (char) (0xA0 + random.nextInt(0x2000));
                default -> "😀";
            });
        }
        return s.toString();
    }

    /** The canonical form as JSON-P wrote it up to 2026-12-03. */
    private static byte[] reference(AuditEvent e, long seq, Instant recordedAt) {
        Map<String, Object> members = new TreeMap<>();
        members.put("seq", seq);
        members.put("eventId", e.eventId().toString());
        members.put("occurredAt", iso(e.occurredAt()));
        members.put("recordedAt", iso(recordedAt));
        members.put("actor", e.actor());
        members.put("actorRole", e.actorRole());
        members.put("authenticationMethod", e.authenticationMethod());
        members.put("breakGlass", e.breakGlass());
        members.put("action", e.action());
        members.put("resourceType", e.resourceType());
        members.put("resourceId", e.resourceId());
        members.put("tenant", e.tenant());
        members.put("justificationCode", e.justificationCode());
        members.put("justificationReference", e.justificationReference());
        members.put("grantId", e.grantId() == null ? null : e.grantId().toString());
        members.put("approvalId", e.approvalId() == null ? null : e.approvalId().toString());
        members.put("outcome", e.outcome());
        members.put("origin", e.origin());
        members.put("requestId", e.requestId());
        JsonObjectBuilder details = JSON.createObjectBuilder();
        new TreeMap<>(e.details()).forEach(details::add);
        members.put("details", details.build().toString());
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

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(AuditEvent.truncated(instant));
    }
}
