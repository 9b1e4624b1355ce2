package io.quaestor.security.control;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Something happened to a credential or a staff account: sign-in, failed sign-in, user created,
 * roles changed, token issued or revoked. Fired as a CDI event so that the audit trail can
 * record it without the security feature knowing about the audit trail. Carries ids, never
 * usernames, passwords, tokens or addresses.
 */
public record SecurityEvent(String action, UUID actorId, String targetType, UUID targetId, String outcome,
                            Instant occurredAt, Map<String, String> details) {

    public SecurityEvent {
        details = Map.copyOf(details);
    }
}
