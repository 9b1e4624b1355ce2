package io.quaestor.dsar.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.control.Origins;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestEvent;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.platform.problem.StateConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The only place a request changes state. Each action names the states it may start from; any
 * other start is a 409 that changes nothing. Every move is written to the request's history and
 * to the audit trail, with who, when and why, in the transaction of the move.
 */
@ApplicationScoped
public class RequestLifecycle {

    /** What can happen to a request, from where, to where. */
    public enum Action {
        AWAIT_IDENTITY(RequestStatus.IDENTITY_PENDING, EnumSet.of(RequestStatus.RECEIVED)),
        VERIFY(RequestStatus.VERIFIED, EnumSet.of(RequestStatus.RECEIVED, RequestStatus.IDENTITY_PENDING)),
        LAPSE(RequestStatus.LAPSED, EnumSet.of(RequestStatus.IDENTITY_PENDING)),
        START(RequestStatus.IN_PROGRESS, EnumSet.of(RequestStatus.VERIFIED)),
        REQUEST_APPROVAL(RequestStatus.AWAITING_APPROVAL, EnumSet.of(RequestStatus.IN_PROGRESS)),
        APPROVE(RequestStatus.IN_PROGRESS, EnumSet.of(RequestStatus.AWAITING_APPROVAL)),
        COMPLETE(RequestStatus.COMPLETED, EnumSet.of(RequestStatus.IN_PROGRESS)),
        REJECT(RequestStatus.REJECTED, EnumSet.of(RequestStatus.RECEIVED, RequestStatus.IDENTITY_PENDING,
                RequestStatus.VERIFIED, RequestStatus.IN_PROGRESS, RequestStatus.AWAITING_APPROVAL)),
        CANCEL(RequestStatus.CANCELLED, EnumSet.of(RequestStatus.RECEIVED, RequestStatus.IDENTITY_PENDING,
                RequestStatus.VERIFIED, RequestStatus.IN_PROGRESS, RequestStatus.AWAITING_APPROVAL));

        final RequestStatus to;
        final Set<RequestStatus> from;

        Action(RequestStatus to, Set<RequestStatus> from) {
            this.to = to;
            this.from = from;
        }

        public String slug() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** Why this action cannot start from the given state, or empty when it can. */
        public java.util.Optional<String> refusalFrom(RequestStatus status) {
            if (from.contains(status)) {
                return java.util.Optional.empty();
            }
            if (status.isFinal()) {
                return java.util.Optional.of("The request is " + words(status) + ", which is final; it can no longer " + verb() + ".");
            }
            return java.util.Optional.of("The request is " + words(status) + "; it can " + verb() + " only when it is "
                    + from.stream().filter(s -> !s.isFinal()).sorted().map(Action::words).collect(Collectors.joining(" or ")) + ".");
        }

        private String verb() {
            return switch (this) {
                case AWAIT_IDENTITY -> "wait for the subject's identity";
                case LAPSE -> "lapse";
                case VERIFY -> "be verified";
                case START -> "be started";
                case REQUEST_APPROVAL -> "be sent for approval";
                case APPROVE -> "be approved";
                case COMPLETE -> "be completed";
                case REJECT -> "be rejected";
                case CANCEL -> "be cancelled";
            };
        }

        private static String words(RequestStatus status) {
            return status.name().toLowerCase().replace('_', ' ');
        }
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    AuditLog audit;

    @Inject
    Instance<HttpServletRequest> http;

    @Inject
    Clock clock;

    @Inject
    Event<RequestMoved> moved;

    /** Records a new request's arrival. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void received(DataSubjectRequest request, String actor, String actorRole) {
        record(request, "receive", null, actor, actorRole, null);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void move(DataSubjectRequest request, Action action, String actor, String actorRole, String reason) {
        RequestStatus from = request.getStatus();
        action.refusalFrom(from).ifPresent(refusal -> {
            throw new StateConflictException(refusal);
        });
        Instant now = clock.instant();
        request.moveTo(action.to, now);
        record(request, action.slug(), from, actor, actorRole, reason);
        moved.fire(new RequestMoved(request.getId(), from, action.to));
    }

    /** An event that leaves the state as it is (extension, assignment), still in the history. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void note(DataSubjectRequest request, String what, String actor, String actorRole, String reason) {
        if (request.getStatus().isFinal()) {
            throw new StateConflictException("The request is " + request.getStatus() + "; it can no longer " + what + ".");
        }
        record(request, what, request.getStatus(), actor, actorRole, reason);
    }

    private void record(DataSubjectRequest request, String action, RequestStatus from, String actor, String actorRole,
                        String reason) {
        Instant now = clock.instant();
        em.persist(new RequestEvent(request.getId(), action, from, request.getStatus(), actor, reason, now));
        // Written now, so identity values follow the order of the steps (the history's order).
        em.flush();
        Map<String, String> details = new TreeMap<>();
        details.put("reference", request.getReference());
        details.put("type", request.getType().name());
        details.put("to", request.getStatus().name());
        if (from != null) {
            details.put("from", from.name());
        }
        audit.append(new AuditEvent(UUID.randomUUID(), now, actor, actorRole, null, false, "dsar." + action,
                "dsar-request", request.getId().toString(), null, null, null, null, null, "success", origin(),
                RequestIds.current().orElse(null), details));
    }

    private String origin() {
        try {
            return Origins.truncate(http.get().getRemoteAddr());
        } catch (ContextNotActiveException | IllegalStateException noRequest) {
            return null;
        }
    }
}
