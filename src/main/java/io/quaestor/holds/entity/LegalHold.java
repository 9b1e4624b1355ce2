package io.quaestor.holds.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A legal hold: data in its scope is neither erased nor purged while it is in force, that is from
 * {@code startsAt} until {@code endsAt} (if any) or its release, whichever comes first.
 */
@Entity
@Table(name = "legal_hold")
@NamedQuery(name = LegalHold.ALL, query = "SELECT h FROM LegalHold h ORDER BY h.createdAt DESC")
@JsonbPropertyOrder({"id", "scope", "scopeValue", "reason", "matter", "ownerId", "startsAt", "endsAt", "createdBy", "createdAt",
        "releasedAt", "releasedBy", "releaseReason"})
public class LegalHold {

    public static final String ALL = "LegalHold.all";

    @Id
    private UUID id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private HoldScope scope;

    @Column(name = "scope_value", nullable = false)
    private String scopeValue;

    @Column(nullable = false)
    private String reason;

    private String matter;

    @Column(name = "owner_id", nullable = false)
    private UUID ownerId;

    @Column(name = "starts_at", nullable = false)
    private Instant startsAt;

    @Column(name = "ends_at")
    private Instant endsAt;

    @Column(name = "created_by", nullable = false)
    private UUID createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "released_at")
    private Instant releasedAt;

    @Column(name = "released_by")
    private UUID releasedBy;

    @Column(name = "release_reason")
    private String releaseReason;

    protected LegalHold() {
    }

    public LegalHold(HoldScope scope, String scopeValue, String reason, String matter, UUID ownerId, Instant startsAt,
                     Instant endsAt, UUID createdBy, Instant createdAt) {
        this.id = UUID.randomUUID();
        this.scope = scope;
        this.scopeValue = scopeValue;
        this.reason = reason;
        this.matter = matter;
        this.ownerId = ownerId;
        this.startsAt = startsAt;
        this.endsAt = endsAt;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    public void release(UUID by, String why, Instant at) {
        this.releasedAt = at;
        this.releasedBy = by;
        this.releaseReason = why;
    }

    public boolean inForceAt(Instant at) {
        return releasedAt == null && !startsAt.isAfter(at) && (endsAt == null || endsAt.isAfter(at));
    }

    public UUID getId() {
        return id;
    }

    public HoldScope getScope() {
        return scope;
    }

    public String getScopeValue() {
        return scopeValue;
    }

    public String getReason() {
        return reason;
    }

    public String getMatter() {
        return matter;
    }

    public UUID getOwnerId() {
        return ownerId;
    }

    public Instant getStartsAt() {
        return startsAt;
    }

    public Instant getEndsAt() {
        return endsAt;
    }

    public UUID getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getReleasedAt() {
        return releasedAt;
    }

    public UUID getReleasedBy() {
        return releasedBy;
    }

    public String getReleaseReason() {
        return releaseReason;
    }
}
