package io.quaestor.dsar.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.UUID;

/**
 * One data-subject request. The subject's email is personal data and is never logged; it is
 * cleared when an unverified request lapses, leaving only a minimal record. Status changes go
 * through {@code RequestLifecycle}, which records each one.
 */
@Entity
@Table(name = "dsar_request")
public class DataSubjectRequest {

    @Id
    private UUID id;

    @Column(nullable = false, unique = true)
    private String reference;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RequestType type;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RequestStatus status;

    @Column(nullable = false)
    private String channel;

    @Column(nullable = false)
    private String region;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Regime regime;

    @Column(name = "subject_email")
    private String subjectEmail;

    @Column(name = "subject_email_key")
    private byte[] subjectEmailKey;

    @Column(name = "subject_account_id")
    private String subjectAccountId;

    private String details;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    @Column(name = "due_at", nullable = false)
    private Instant dueAt;

    @Column(name = "extended_due_at")
    private Instant extendedDueAt;

    @Column(name = "extension_reason")
    private String extensionReason;

    @Column(name = "extended_at")
    private Instant extendedAt;

    @Column(name = "verification_method")
    private String verificationMethod;

    @Column(name = "verification_evidence")
    private String verificationEvidence;

    @Column(name = "verified_at")
    private Instant verifiedAt;

    @Column(name = "verification_lapses_at")
    private Instant verificationLapsesAt;

    @Column(name = "assignee_id")
    private UUID assigneeId;

    @Enumerated(EnumType.STRING)
    @Column(name = "rejection_ground")
    private RejectionGround rejectionGround;

    @Column(name = "rejection_text")
    private String rejectionText;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Column(name = "created_by")
    private UUID createdBy;

    @Column(name = "consent_scope")
    private String consentScope;

    @Version
    private long version;

    protected DataSubjectRequest() {
    }

    /** What intake knows about a new request. */
    public record Intake(RequestType type, String channel, SubjectRegion region, String email, byte[] emailKey,
                         String accountId, String details, String consentScope, Instant receivedAt, UUID createdBy) {
    }

    public static DataSubjectRequest receive(Intake intake, String reference, Instant dueAt) {
        DataSubjectRequest r = new DataSubjectRequest();
        r.id = UUID.randomUUID();
        r.reference = reference;
        r.type = intake.type();
        r.status = RequestStatus.RECEIVED;
        r.channel = intake.channel();
        r.region = intake.region().name();
        r.regime = Regime.forRegion(intake.region());
        r.subjectEmail = intake.email();
        r.subjectEmailKey = intake.emailKey();
        r.subjectAccountId = intake.accountId();
        r.details = intake.details();
        r.receivedAt = intake.receivedAt();
        r.dueAt = dueAt;
        r.createdBy = intake.createdBy();
        r.consentScope = intake.consentScope();
        return r;
    }

    /** The deadline in force: the extended one if there is one. */
    public Instant effectiveDueAt() {
        return extendedDueAt != null ? extendedDueAt : dueAt;
    }

    public void moveTo(RequestStatus next, Instant now) {
        status = next;
        if (next.isFinal()) {
            closedAt = now;
        }
    }

    public void awaitVerificationUntil(Instant lapsesAt) {
        verificationLapsesAt = lapsesAt;
    }

    public void verified(String method, String evidence, Instant now) {
        verificationMethod = method;
        verificationEvidence = evidence;
        verifiedAt = now;
    }

    public void extend(Instant newDueAt, String reason, Instant now) {
        extendedDueAt = newDueAt;
        extensionReason = reason;
        extendedAt = now;
    }

    public void reject(RejectionGround ground, String text) {
        rejectionGround = ground;
        rejectionText = text;
    }

    public void assign(UUID officer) {
        assigneeId = officer;
    }

    /** Keeps only what proves a request existed and lapsed: no email, no account, no free text. */
    public void minimise() {
        subjectEmail = null;
        subjectAccountId = null;
        details = null;
    }

    public UUID getId() {
        return id;
    }

    public String getReference() {
        return reference;
    }

    public RequestType getType() {
        return type;
    }

    public RequestStatus getStatus() {
        return status;
    }

    public String getChannel() {
        return channel;
    }

    public String getRegion() {
        return region;
    }

    public Regime getRegime() {
        return regime;
    }

    public String getSubjectEmail() {
        return subjectEmail;
    }

    public String getSubjectAccountId() {
        return subjectAccountId;
    }

    public String getDetails() {
        return details;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }

    public Instant getDueAt() {
        return dueAt;
    }

    public Instant getExtendedDueAt() {
        return extendedDueAt;
    }

    public String getExtensionReason() {
        return extensionReason;
    }

    public Instant getExtendedAt() {
        return extendedAt;
    }

    public String getVerificationMethod() {
        return verificationMethod;
    }

    public String getVerificationEvidence() {
        return verificationEvidence;
    }

    public Instant getVerifiedAt() {
        return verifiedAt;
    }

    public Instant getVerificationLapsesAt() {
        return verificationLapsesAt;
    }

    public UUID getAssigneeId() {
        return assigneeId;
    }

    public RejectionGround getRejectionGround() {
        return rejectionGround;
    }

    public String getRejectionText() {
        return rejectionText;
    }

    public Instant getClosedAt() {
        return closedAt;
    }

    public UUID getCreatedBy() {
        return createdBy;
    }

    public String getConsentScope() {
        return consentScope;
    }
}
