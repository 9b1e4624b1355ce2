package io.quaestor.access.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Permission for one operator to see one tenant's data (or one account's) in named categories, for a while, for a reason. */
@Entity
@Table(name = "access_grant")
@NamedQuery(name = AccessGrant.BY_REQUESTER, query = "SELECT g FROM AccessGrant g WHERE g.requesterId = :requester ORDER BY g.requestedAt DESC")
@NamedQuery(name = AccessGrant.ALL, query = "SELECT g FROM AccessGrant g ORDER BY g.requestedAt DESC")
@NamedQuery(name = AccessGrant.REQUESTED_BETWEEN,
        query = "SELECT g FROM AccessGrant g WHERE g.requestedAt >= :from AND g.requestedAt < :to ORDER BY g.requestedAt")
@NamedQuery(name = AccessGrant.UNREVIEWED_BREAK_GLASS,
        query = "SELECT g FROM AccessGrant g WHERE g.breakGlass = true AND g.reviewedAt IS NULL ORDER BY g.reviewDueAt")
public class AccessGrant {

    public static final String BY_REQUESTER = "AccessGrant.byRequester";
    public static final String ALL = "AccessGrant.all";
    public static final String REQUESTED_BETWEEN = "AccessGrant.requestedBetween";
    public static final String UNREVIEWED_BREAK_GLASS = "AccessGrant.unreviewedBreakGlass";

    @Id
    private UUID id;

    @Column(name = "requester_id", nullable = false)
    private UUID requesterId;

    @Enumerated(EnumType.STRING)
    @Column(name = "justification_code", nullable = false)
    private JustificationCode justificationCode;

    @Column(name = "justification_reference", nullable = false)
    private String justificationReference;

    @Column(nullable = false)
    private String tenant;

    @Column(name = "account_id")
    private String accountId;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "access_grant_category", joinColumns = @JoinColumn(name = "grant_id"))
    @Column(name = "category", nullable = false)
    private Set<String> categories = new TreeSet<>();

    @Column(name = "duration_seconds", nullable = false)
    private int durationSeconds;

    @Column(name = "break_glass", nullable = false)
    private boolean breakGlass;

    @Column(name = "approval_required", nullable = false)
    private boolean approvalRequired;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private GrantStatus status;

    @Column(name = "requested_at", nullable = false)
    private Instant requestedAt;

    @Column(name = "approval_deadline")
    private Instant approvalDeadline;

    @Column(name = "activated_at")
    private Instant activatedAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "approval_id")
    private UUID approvalId;

    @Column(name = "decided_by")
    private UUID decidedBy;

    @Column(name = "decided_at")
    private Instant decidedAt;

    @Column(name = "decision_note")
    private String decisionNote;

    @Column(name = "review_due_at")
    private Instant reviewDueAt;

    @Column(name = "reviewed_by")
    private UUID reviewedBy;

    @Column(name = "reviewed_at")
    private Instant reviewedAt;

    @Column(name = "review_outcome")
    private String reviewOutcome;

    @Column(name = "review_note")
    private String reviewNote;

    @Column(name = "revoked_by")
    private UUID revokedBy;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Version
    private long version;

    protected AccessGrant() {
    }

    /** What an operator asks for; whether it needs approval or is break-glass decides how it starts. */
    public record Request(UUID requesterId, JustificationCode code, String reference, String tenant, String accountId,
                          Set<String> categories, Duration duration, boolean breakGlass) {
    }

    public static AccessGrant request(Request request, boolean approvalRequired, Instant now, Duration approvalWindow,
                                      Duration reviewWithin) {
        AccessGrant grant = scoped(UUID.randomUUID(), request);
        grant.requestedAt = now;
        // Break-glass works at once, whatever the scope: that is its point, and why it is reviewed.
        grant.approvalRequired = approvalRequired && !request.breakGlass();
        if (grant.approvalRequired) {
            grant.status = GrantStatus.PENDING;
            grant.approvalDeadline = now.plus(approvalWindow);
        } else {
            grant.activate(now);
        }
        if (request.breakGlass()) {
            grant.reviewDueAt = now.plus(reviewWithin);
        }
        return grant;
    }

    /**
     * A copy of a stored grant for checks only, built from a plain JDBC read where EclipseLink's
     * query machinery costs more than the read (the access gate). Never persisted or merged.
     */
    public static AccessGrant readOnly(UUID id, Request request, GrantStatus status, Instant approvalDeadline,
                                       Instant expiresAt, UUID approvalId) {
        AccessGrant grant = scoped(id, request);
        grant.status = status;
        grant.approvalDeadline = approvalDeadline;
        grant.expiresAt = expiresAt;
        grant.approvalId = approvalId;
        return grant;
    }

    /** A grant with the scope and reason of a request, nothing decided yet. */
    private static AccessGrant scoped(UUID id, Request request) {
        AccessGrant grant = new AccessGrant();
        grant.id = id;
        grant.requesterId = request.requesterId();
        grant.justificationCode = request.code();
        grant.justificationReference = request.reference();
        grant.tenant = request.tenant();
        grant.accountId = request.accountId();
        grant.categories = new TreeSet<>(request.categories());
        grant.durationSeconds = Math.toIntExact(request.duration().toSeconds());
        grant.breakGlass = request.breakGlass();
        return grant;
    }

    private void activate(Instant now) {
        status = GrantStatus.ACTIVE;
        activatedAt = now;
        expiresAt = now.plusSeconds(durationSeconds);
    }

    /** The state at {@code now}: stored states, with lapse and expiry applied. */
    public GrantStatus statusAt(Instant now) {
        if (status == GrantStatus.PENDING && !now.isBefore(approvalDeadline)) {
            return GrantStatus.LAPSED;
        }
        if (status == GrantStatus.ACTIVE && !now.isBefore(expiresAt)) {
            return GrantStatus.EXPIRED;
        }
        return status;
    }

    public void approve(UUID by, String note, Instant now) {
        decidedBy = by;
        decidedAt = now;
        decisionNote = note;
        approvalId = UUID.randomUUID();
        activate(now);
    }

    public void reject(UUID by, String note, Instant now) {
        decidedBy = by;
        decidedAt = now;
        decisionNote = note;
        status = GrantStatus.REJECTED;
    }

    public void revoke(UUID by, Instant now) {
        revokedBy = by;
        revokedAt = now;
        status = GrantStatus.REVOKED;
    }

    public void review(UUID by, boolean justified, String note, Instant now) {
        reviewedBy = by;
        reviewedAt = now;
        reviewOutcome = justified ? "JUSTIFIED" : "UNJUSTIFIED";
        reviewNote = note;
    }

    public UUID getId() {
        return id;
    }

    public UUID getRequesterId() {
        return requesterId;
    }

    public JustificationCode getJustificationCode() {
        return justificationCode;
    }

    public String getJustificationReference() {
        return justificationReference;
    }

    public String getTenant() {
        return tenant;
    }

    public String getAccountId() {
        return accountId;
    }

    public Set<String> getCategories() {
        return Set.copyOf(categories);
    }

    public Duration getDuration() {
        return Duration.ofSeconds(durationSeconds);
    }

    public boolean isBreakGlass() {
        return breakGlass;
    }

    public boolean isApprovalRequired() {
        return approvalRequired;
    }

    public Instant getRequestedAt() {
        return requestedAt;
    }

    public Instant getApprovalDeadline() {
        return approvalDeadline;
    }

    public Instant getActivatedAt() {
        return activatedAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public UUID getApprovalId() {
        return approvalId;
    }

    public UUID getDecidedBy() {
        return decidedBy;
    }

    public Instant getDecidedAt() {
        return decidedAt;
    }

    public String getDecisionNote() {
        return decisionNote;
    }

    public Instant getReviewDueAt() {
        return reviewDueAt;
    }

    public UUID getReviewedBy() {
        return reviewedBy;
    }

    public Instant getReviewedAt() {
        return reviewedAt;
    }

    public String getReviewOutcome() {
        return reviewOutcome;
    }

    public String getReviewNote() {
        return reviewNote;
    }

    public Instant getRevokedAt() {
        return revokedAt;
    }
}
