package io.quaestor.security.entity;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiTokenTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private static ApiToken token() {
        return new ApiToken(UUID.randomUUID(), "ci", new byte[32], "qst_abcdefgh",
                EnumSet.of(Role.AUDITOR, Role.OPERATOR), UUID.randomUUID(), NOW, NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void isActiveUntilItsExpiryExclusive() {
        ApiToken token = token();
        assertEquals(TokenState.ACTIVE, token.stateAt(NOW));
        assertEquals(TokenState.ACTIVE, token.stateAt(NOW.plus(Duration.ofDays(1)).minusNanos(1)));
        assertEquals(TokenState.EXPIRED, token.stateAt(NOW.plus(Duration.ofDays(1))));
    }

    @Test
    void revocationWinsAndIsIdempotent() {
        ApiToken token = token();
        UUID first = UUID.randomUUID();
        token.revoke(first, NOW);
        token.revoke(UUID.randomUUID(), NOW.plusSeconds(60));
        assertEquals(TokenState.REVOKED, token.stateAt(NOW));
        assertEquals(NOW, token.revokedAt().orElseThrow(), "the first revocation is the one recorded");
    }

    @Test
    void carriesOnlyRolesItsOwnerStillHolds() {
        assertEquals(EnumSet.of(Role.AUDITOR), token().effectiveRoles(EnumSet.of(Role.AUDITOR, Role.ADMIN)));
        assertTrue(token().effectiveRoles(EnumSet.noneOf(Role.class)).isEmpty());
    }
}
