package io.quaestor.holds.boundary;

import io.quaestor.holds.entity.LegalHold;

import java.time.Instant;
import java.util.UUID;

/** A hold as the API shows it, with whether it is in force now. */
public record HoldView(UUID id, String scope, String scopeValue, String reason, String matter, UUID ownerId, Instant startsAt,
                       Instant endsAt, boolean inForce, UUID createdBy, Instant createdAt, Instant releasedAt, UUID releasedBy,
                       String releaseReason) {

    static HoldView of(LegalHold h, Instant now) {
        return new HoldView(h.getId(), h.getScope().name(), h.getScopeValue(), h.getReason(), h.getMatter(), h.getOwnerId(),
                h.getStartsAt(), h.getEndsAt(), h.inForceAt(now), h.getCreatedBy(), h.getCreatedAt(), h.getReleasedAt(),
                h.getReleasedBy(), h.getReleaseReason());
    }
}
