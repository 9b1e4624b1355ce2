package io.quaestor.access.boundary;

import io.quaestor.access.entity.AccessGrant;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A grant as the API shows it, with its status at the time of asking. */
public record GrantView(UUID id, UUID requesterId, String justificationCode, String reference, String tenant,
                        String accountId, Set<String> categories, String duration, boolean breakGlass,
                        boolean approvalRequired, String status, Instant requestedAt, Instant approvalDeadline,
                        Instant activatedAt, Instant expiresAt, UUID approvalId, UUID decidedBy, Instant decidedAt,
                        String decisionNote, Instant reviewDueAt, UUID reviewedBy, Instant reviewedAt,
                        String reviewOutcome, String reviewNote, Instant revokedAt) {

    static GrantView of(AccessGrant g, Instant now) {
        return new GrantView(g.getId(), g.getRequesterId(), g.getJustificationCode().name(), g.getJustificationReference(),
                g.getTenant(), g.getAccountId(), g.getCategories(), g.getDuration().toString(), g.isBreakGlass(),
                g.isApprovalRequired(), g.statusAt(now).name(), g.getRequestedAt(), g.getApprovalDeadline(),
                g.getActivatedAt(), g.getExpiresAt(), g.getApprovalId(), g.getDecidedBy(), g.getDecidedAt(),
                g.getDecisionNote(), g.getReviewDueAt(), g.getReviewedBy(), g.getReviewedAt(), g.getReviewOutcome(),
                g.getReviewNote(), g.getRevokedAt());
    }
}
