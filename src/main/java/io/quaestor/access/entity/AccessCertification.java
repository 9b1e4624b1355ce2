package io.quaestor.access.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A second person's confirmation that an operator still needs to hold access grants. Never changed once written. */
@Entity
@Table(name = "access_certification")
public class AccessCertification {

    @Id
    private UUID id;

    @Column(name = "user_id", nullable = false)
    private UUID userId;

    @Column(name = "certified_at", nullable = false)
    private Instant certifiedAt;

    @Column(name = "certified_by", nullable = false)
    private UUID certifiedBy;

    @Column(nullable = false)
    private String note;

    protected AccessCertification() {
    }

    public AccessCertification(UUID userId, UUID certifiedBy, String note, Instant certifiedAt) {
        this.id = UUID.randomUUID();
        this.userId = userId;
        this.certifiedBy = certifiedBy;
        this.note = note;
        this.certifiedAt = certifiedAt;
    }

    public UUID getId() {
        return id;
    }

    public UUID getUserId() {
        return userId;
    }

    public Instant getCertifiedAt() {
        return certifiedAt;
    }
}
