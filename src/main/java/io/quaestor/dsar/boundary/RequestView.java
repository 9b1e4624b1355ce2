package io.quaestor.dsar.boundary;

import io.quaestor.dsar.control.LegalClock;
import io.quaestor.dsar.control.RequestActions;
import io.quaestor.dsar.control.RequestCorrespondence;
import io.quaestor.security.control.Caller;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestEvent;
import io.quaestor.dsar.entity.RequestNote;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** One request as the privacy office reads it, with its history, notes, and what the caller may do to it now. */
public record RequestView(UUID id, String reference, String type, String status, String channel, String region,
                          String regime, String email, String accountId, String details, Instant receivedAt,
                          LocalDate dueDate, Instant dueAt, LocalDate extendedDueDate, String extensionReason,
                          String verificationMethod, String verificationEvidence, Instant verifiedAt,
                          Instant verificationLapsesAt, UUID assigneeId, String rejectionGround, String rejectionText,
                          Instant closedAt, List<Step> history, List<Note> notes,
                          List<RequestCorrespondence.Message> messages,
                          List<RequestCorrespondence.RecipientNotice> recipientNotifications,
                          List<RequestActions.Option> actions) {

    public record Step(String action, String from, String to, String actor, String reason, Instant at) {
    }

    public record Note(UUID id, UUID authorId, String body, Instant at) {
    }

    static RequestView of(DataSubjectRequest r, List<RequestEvent> history, List<RequestNote> notes,
                          RequestCorrespondence correspondence, Caller caller, Instant now,
                          java.util.Optional<String> completionBlocker) {
        return new RequestView(r.getId(), r.getReference(), r.getType().name(), r.getStatus().name(), r.getChannel(),
                r.getRegion(), r.getRegime().name(), r.getSubjectEmail(), r.getSubjectAccountId(), r.getDetails(),
                r.getReceivedAt(), LegalClock.lastDay(r.getDueAt()), r.effectiveDueAt(),
                r.getExtendedDueAt() == null ? null : LegalClock.lastDay(r.getExtendedDueAt()), r.getExtensionReason(),
                r.getVerificationMethod(), r.getVerificationEvidence(), r.getVerifiedAt(), r.getVerificationLapsesAt(),
                r.getAssigneeId(), r.getRejectionGround() == null ? null : r.getRejectionGround().name(), r.getRejectionText(),
                r.getClosedAt(),
                history.stream().map(e -> new Step(e.getAction(), e.getFromStatus() == null ? null : e.getFromStatus().name(),
                        e.getToStatus().name(), e.getActor(), e.getReason(), e.getOccurredAt())).toList(),
                notes.stream().map(n -> new Note(n.getId(), n.getAuthorId(), n.getBody(), n.getCreatedAt())).toList(),
                correspondence.messages(r.getId()), correspondence.recipientNotices(r.getId()),
                RequestActions.of(r, history, caller, now, completionBlocker));
    }
}
