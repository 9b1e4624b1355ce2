package io.quaestor.dsar.control;

import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RejectionGround;
import io.quaestor.dsar.entity.RequestEvent;
import io.quaestor.dsar.entity.RequestNote;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.dsar.entity.SubjectRegion;
import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.platform.timers.DeadlineTimers;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.ServerKey;
import io.quaestor.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The privacy office's work on data-subject requests: intake from the public and from officers,
 * identity verification, the steps of the lifecycle, extension, assignment and notes. Each step
 * changes state through {@link RequestLifecycle}, queues the subject's message and schedules the
 * request's timers in the same transaction.
 */
@ApplicationScoped
public class DataSubjectRequests {

    static final String DUE_SOON = "DSAR_DUE_SOON";
    static final String ESCALATION = "DSAR_ESCALATION";
    static final String OVERDUE = "DSAR_OVERDUE";
    static final String VERIFICATION_LAPSE = "DSAR_VERIFICATION_LAPSE";
    static final Duration DUE_SOON_BEFORE = Duration.ofDays(7);
    static final Duration ESCALATION_BEFORE = Duration.ofDays(2);

    /** A request as the public files it: an email address, or an account id whose email gets the code. */
    public record PublicIntake(RequestType type, String email, String accountId, SubjectRegion region, String details,
                               String consentScope) {
    }

    /** A request an officer files for a subject, received by mail or phone; evidence, when given, verifies it. */
    public record OfficerIntake(RequestType type, String email, String accountId, SubjectRegion region, String details,
                                String consentScope, Instant receivedAt, String evidence) {
    }

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    RequestLifecycle lifecycle;

    @Inject
    SubjectMessages messages;

    @Inject
    IdentityVerification verification;

    @Inject
    DeadlineTimers timers;

    @Inject
    StaffNotifications notifications;

    @Inject
    SubjectContacts contacts;

    @Inject
    IntakeThrottle throttle;

    @Inject
    CompletionEffects effects;

    @Inject
    DataSubjectRequests self;

    @Inject
    jakarta.enterprise.inject.Instance<Fulfilment> fulfilments;

    @Inject
    ServerKey serverKey;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.verification.lapse-after", defaultValue = "P14D")
    Duration lapseAfter;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.erasure.approval-above-rows", defaultValue = "100000")
    long approvalAboveRows;

    /**
     * Starts work on a request. An erasure whose subject holds more rows than the configured
     * size, or rows the data map marks as blocking erasure (open invoices), goes straight to a
     * second officer's approval, with the reason in its history.
     */
    public DataSubjectRequest start(UUID id, String reason, Caller officer) {
        DataSubjectRequest request = get(id);
        String approvalReason = null;
        if (request.getType() == RequestType.ERASURE && request.getStatus() == RequestStatus.VERIFIED) {
            io.quaestor.datamap.control.SubjectRows.Footprint footprint = effects.footprint(effects.subjectKeys(request));
            if (footprint.blocking() > 0) {
                approvalReason = footprint.blocking() + " row(s) the data map marks as blocking erasure (for example open billing)";
            } else if (footprint.rows() > approvalAboveRows) {
                approvalReason = footprint.rows() + " rows, above the " + approvalAboveRows + " that need approval";
            }
        }
        return self.startRecorded(id, reason, approvalReason, officer);
    }

    @Transactional
    public DataSubjectRequest startRecorded(UUID id, String reason, String approvalReason, Caller officer) {
        DataSubjectRequest request = act(id, RequestLifecycle.Action.START, reason, null, null, officer);
        if (approvalReason != null) {
            lifecycle.move(request, RequestLifecycle.Action.REQUEST_APPROVAL, "quaestor", null, approvalReason);
        }
        return request;
    }

    /** Whatever the email or account, the answer is the same: a request awaiting identity. */
    @Transactional
    public DataSubjectRequest filePublic(PublicIntake intake) {
        String email = intake.email() != null ? normalise(intake.email()) : contacts.emailOfAccount(intake.accountId()).orElse(null);
        Instant now = clock.instant();
        DataSubjectRequest request = create(new DataSubjectRequest.Intake(intake.type(), "PORTAL", intake.region(), email,
                emailKey(email), intake.accountId(), intake.details(), intake.consentScope(), now, null));
        lifecycle.received(request, "subject", null);
        awaitIdentity(request, "subject");
        return request;
    }

    @Transactional
    public DataSubjectRequest fileByOfficer(OfficerIntake intake, Caller officer) {
        Instant now = clock.instant();
        if (intake.receivedAt().isAfter(now)) {
            throw new InvalidInputException("receivedAt", "receivedAt cannot be in the future.");
        }
        if (intake.receivedAt().isBefore(now.minus(Duration.ofDays(365)))) {
            throw new InvalidInputException("receivedAt", "receivedAt cannot be more than a year ago.");
        }
        if (intake.email() == null && intake.evidence() == null) {
            throw new InvalidInputException("email", "Without an email address to send a code to, give the evidence of identity you checked.");
        }
        String email = intake.email() == null ? null : normalise(intake.email());
        DataSubjectRequest request = create(new DataSubjectRequest.Intake(intake.type(), "OFFICER", intake.region(), email,
                emailKey(email), intake.accountId(), intake.details(), intake.consentScope(), intake.receivedAt(), officer.userId()));
        String actor = officer.userId().toString();
        lifecycle.received(request, actor, officer.roleList());
        if (email != null) {
            messages.queue(request, SubjectMessages.Kind.RECEIVED);
        }
        if (intake.evidence() != null) {
            request.verified("OFFICER_EVIDENCE", intake.evidence(), now);
            lifecycle.move(request, RequestLifecycle.Action.VERIFY, actor, officer.roleList(), "identity checked by the officer");
        } else {
            awaitIdentity(request, actor);
        }
        return request;
    }

    /** The subject's code; a wrong, expired or exhausted code changes nothing but the count of tries. */
    @Transactional
    public DataSubjectRequest verify(UUID id, String code) {
        DataSubjectRequest request = locked(id);
        if (request.getStatus() != RequestStatus.IDENTITY_PENDING) {
            throw new StateConflictException("This request is not waiting for identity verification.");
        }
        IdentityVerification.Result result = verification.check(id, code);
        if (result.outcome() != IdentityVerification.Outcome.RIGHT) {
            throw result.problem();
        }
        request.verified("EMAIL_CODE", "code sent to the request's email address", clock.instant());
        lifecycle.move(request, RequestLifecycle.Action.VERIFY, "subject", null, "email code");
        messages.queue(request, SubjectMessages.Kind.VERIFIED);
        return request;
    }

    /** A new code for a request still waiting for one, within the limits per source, request and recipient. */
    @Transactional
    public void resendCode(UUID id, String sourceAddress) {
        DataSubjectRequest request = locked(id);
        throttle.codeResend(sourceAddress, id, request.getSubjectEmail());
        if (request.getStatus() == RequestStatus.IDENTITY_PENDING && request.getSubjectEmail() != null) {
            messages.queue(request, SubjectMessages.Kind.VERIFICATION_CODE);
        }
    }

    /**
     * Completes a request: first what it changes in the gateway's store (outside any transaction,
     * repeatable) and its fulfilment (an access package built, an erasure done and verified), then
     * the completion itself with its webhook and Art. 19 record. If the last step fails the first
     * ones have only been applied early, and the officer can complete again.
     */
    public DataSubjectRequest complete(UUID id, String reason, Caller officer) {
        DataSubjectRequest request = get(id);
        RequestLifecycle.Action.COMPLETE.refusalFrom(request.getStatus()).ifPresent(refusal -> {
            throw new StateConflictException(refusal);
        });
        completionBlocker(request).ifPresent(blocker -> {
            throw new StateConflictException(blocker);
        });
        SubjectKeys keys = effects.subjectKeys(request);
        effects.applyInGateway(request, keys);
        for (Fulfilment fulfilment : fulfilments) {
            if (fulfilment.fulfils(request.getType())) {
                fulfilment.fulfil(request, keys, officer);
            }
        }
        return self.completeRecorded(id, reason, keys, officer);
    }

    /** What a fulfilment still waits for before this request may complete, if anything. */
    public Optional<String> completionBlocker(DataSubjectRequest request) {
        for (Fulfilment fulfilment : fulfilments) {
            if (fulfilment.fulfils(request.getType())) {
                Optional<String> blocker = fulfilment.completionBlocker(request);
                if (blocker.isPresent()) {
                    return blocker;
                }
            }
        }
        return Optional.empty();
    }

    @Transactional
    public DataSubjectRequest completeRecorded(UUID id, String reason, SubjectKeys keys, Caller officer) {
        DataSubjectRequest request = act(id, RequestLifecycle.Action.COMPLETE, reason, null, null, officer);
        effects.record(request, keys);
        return request;
    }

    /**
     * Completes a request whose fulfilment finished without an officer waiting for it (an erasure
     * resumed after a restart): Quaestor is the actor, the reason says why.
     */
    @Transactional
    public DataSubjectRequest completeUnattended(UUID id, String reason, SubjectKeys keys) {
        // Not locked FOR UPDATE: on a timer's thread the JPA and JDBC connections of one
        // transaction are not shared, and the message's foreign key would wait on that lock.
        // The lifecycle still refuses a move from any state but IN_PROGRESS.
        DataSubjectRequest request = get(id);
        em.refresh(request);
        lifecycle.move(request, RequestLifecycle.Action.COMPLETE, "quaestor", null, reason);
        messages.queue(request, SubjectMessages.Kind.COMPLETED);
        effects.record(request, keys);
        return request;
    }

    /** Applies an officer-approved change to one mapped field, recording old and new values as pseudonyms only. */
    public DataSubjectRequest rectify(UUID id, String column, String value, Caller officer) {
        DataSubjectRequest request = get(id);
        if (request.getType() != RequestType.RECTIFICATION || request.getStatus() != RequestStatus.IN_PROGRESS) {
            throw new StateConflictException("Only a rectification request in progress can change the subject's data.");
        }
        CompletionEffects.Rectified rectified = effects.rectify(request, effects.subjectKeys(request), column, value);
        return self.recordRectification(id, rectified, officer);
    }

    @Transactional
    public DataSubjectRequest recordRectification(UUID id, CompletionEffects.Rectified rectified, Caller officer) {
        DataSubjectRequest request = locked(id);
        effects.recordRectification(request, rectified, officer.userId());
        lifecycle.note(request, "rectify", officer.userId().toString(), officer.roleList(),
                rectified.table() + "." + rectified.column() + " changed");
        return request;
    }

    @Transactional
    public DataSubjectRequest act(UUID id, RequestLifecycle.Action action, String reason, RejectionGround ground,
                                  String groundText, Caller officer) {
        DataSubjectRequest request = locked(id);
        String actor = officer.userId().toString();
        switch (action) {
            case REJECT -> {
                if (ground == null) {
                    throw new InvalidInputException("ground", "A rejection needs its legal ground.");
                }
                if (ground == RejectionGround.OTHER && (groundText == null || groundText.isBlank())) {
                    throw new InvalidInputException("groundText", "The ground OTHER must be explained.");
                }
                request.reject(ground, groundText);
            }
            case APPROVE -> requireSecondPerson(request, actor);
            case START, REQUEST_APPROVAL, CANCEL, COMPLETE -> {
                // no extra input
            }
            default -> throw new InvalidInputException("action", "This step is taken by Quaestor, not by an officer.");
        }
        lifecycle.move(request, action, actor, officer.roleList(), reason);
        if (action == RequestLifecycle.Action.COMPLETE) {
            boolean packaged = request.getType() == RequestType.ACCESS || request.getType() == RequestType.PORTABILITY;
            messages.queue(request, packaged ? SubjectMessages.Kind.PACKAGE_READY : SubjectMessages.Kind.COMPLETED);
        } else if (action == RequestLifecycle.Action.REJECT) {
            messages.queue(request, SubjectMessages.Kind.REJECTED);
        }
        return request;
    }

    /**
     * Extends the deadline once, before the first deadline has passed, to at most the regime's
     * limit; the subject is told the reason at once.
     */
    @Transactional
    public DataSubjectRequest extend(UUID id, LocalDate until, String reason, Caller officer) {
        DataSubjectRequest request = locked(id);
        Instant now = clock.instant();
        if (request.getExtendedDueAt() != null) {
            throw new StateConflictException("This request was already extended once; the law allows one extension.");
        }
        if (!now.isBefore(request.getDueAt())) {
            throw new StateConflictException("The first deadline has passed; an extension had to be sent before it.");
        }
        Instant newDue = LegalClock.endOf(until);
        Instant latest = LegalClock.latestExtendedDeadline(request.getRegime(), request.getReceivedAt());
        if (!newDue.isAfter(request.getDueAt()) || newDue.isAfter(latest)) {
            throw new InvalidInputException("until", "until must be after " + LegalClock.lastDay(request.getDueAt())
                    + " and no later than " + LegalClock.lastDay(latest) + " (" + request.getRegime() + ").");
        }
        request.extend(newDue, reason, now);
        lifecycle.note(request, "extend", officer.userId().toString(), officer.roleList(), reason);
        messages.queue(request, SubjectMessages.Kind.EXTENDED);
        scheduleDeadlines(request);
        return request;
    }

    @Transactional
    public DataSubjectRequest assign(UUID id, UUID officerId, Caller by) {
        DataSubjectRequest request = locked(id);
        if (!contacts.isActivePrivacyOfficer(officerId)) {
            throw new InvalidInputException("assigneeId", "The assignee must be an active privacy officer.");
        }
        request.assign(officerId);
        lifecycle.note(request, "assign", by.userId().toString(), by.roleList(), null);
        notifications.notify(officerId, "DSAR_ASSIGNED", request.getId(), "Request " + request.getReference()
                + " (" + request.getType() + ") is assigned to you; due by the end of " + LegalClock.lastDay(request.effectiveDueAt()) + ".");
        return request;
    }

    @Transactional
    public RequestNote addNote(UUID id, String body, Caller by) {
        DataSubjectRequest request = get(id);
        RequestNote note = new RequestNote(request.getId(), by.userId(), body, clock.instant());
        em.persist(note);
        return note;
    }

    public DataSubjectRequest get(UUID id) {
        DataSubjectRequest request = em.find(DataSubjectRequest.class, id);
        if (request == null) {
            throw new NotFoundException("No request has this id.");
        }
        return request;
    }

    public List<RequestEvent> history(UUID id) {
        return em.createNamedQuery(RequestEvent.OF_REQUEST, RequestEvent.class).setParameter("request", id).getResultList();
    }

    public List<RequestNote> notes(UUID id) {
        return em.createNamedQuery(RequestNote.OF_REQUEST, RequestNote.class).setParameter("request", id).getResultList();
    }

    /** Called by the lapse timer: an unverified request lapses and keeps only a minimal record. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lapseIfUnverified(UUID id) {
        DataSubjectRequest request = em.find(DataSubjectRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (request != null && request.getStatus() == RequestStatus.IDENTITY_PENDING) {
            lifecycle.move(request, RequestLifecycle.Action.LAPSE, "quaestor", null, "identity not verified in time");
            request.minimise();
        }
    }

    public byte[] emailKey(String email) {
        return email == null ? null : serverKey.hmac("dsar-email", normalise(email));
    }

    /** A new request, with its reference, deadline and timers, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public DataSubjectRequest createRequest(DataSubjectRequest.Intake intake) {
        return create(intake);
    }

    private DataSubjectRequest create(DataSubjectRequest.Intake intake) {
        String reference = reference(intake.receivedAt());
        DataSubjectRequest request = DataSubjectRequest.receive(intake, reference,
                LegalClock.firstDeadline(io.quaestor.dsar.entity.Regime.forRegion(intake.region()), intake.receivedAt()));
        em.persist(request);
        em.flush();
        scheduleDeadlines(request);
        return request;
    }

    private void awaitIdentity(DataSubjectRequest request, String actor) {
        lifecycle.move(request, RequestLifecycle.Action.AWAIT_IDENTITY, actor, null, "a code is sent to the request's email address");
        Instant lapses = clock.instant().plus(lapseAfter);
        request.awaitVerificationUntil(lapses);
        timers.schedule(VERIFICATION_LAPSE, request.getId(), lapses);
        // Queued even without an address (the sender settles it as no-address): filing for an unknown
        // account must do the same work, and take the same time, as filing for a known one.
        messages.queue(request, SubjectMessages.Kind.VERIFICATION_CODE);
    }

    /** Reminder, escalation and overdue timers for the deadline in force (stale ones are ignored when they fire). */
    private void scheduleDeadlines(DataSubjectRequest request) {
        Instant due = request.effectiveDueAt();
        timers.schedule(DUE_SOON, request.getId(), due.minus(DUE_SOON_BEFORE));
        timers.schedule(ESCALATION, request.getId(), due.minus(ESCALATION_BEFORE));
        timers.schedule(OVERDUE, request.getId(), due);
    }

    /** Whoever asked for approval (or started the request, when Quaestor itself asked) cannot give it. */
    private void requireSecondPerson(DataSubjectRequest request, String actor) {
        if (actor.equals(approvalAsker(history(request.getId())))) {
            throw new io.quaestor.platform.problem.AccessDeniedException("self-approval", SELF_APPROVAL);
        }
    }

    static final String SELF_APPROVAL = "The officer who asked for approval cannot give it.";

    /** Who asked for the pending approval: the officer who asked, or who started it when Quaestor asked. */
    static String approvalAsker(List<RequestEvent> history) {
        String asker = null;
        for (RequestEvent event : history) {
            if (event.getAction().equals(RequestLifecycle.Action.START.slug())) {
                asker = event.getActor();
            } else if (event.getAction().equals(RequestLifecycle.Action.REQUEST_APPROVAL.slug()) && !"quaestor".equals(event.getActor())) {
                asker = event.getActor();
            }
        }
        return asker;
    }

    private DataSubjectRequest locked(UUID id) {
        DataSubjectRequest request = em.find(DataSubjectRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (request == null) {
            throw new NotFoundException("No request has this id.");
        }
        return request;
    }

    private String reference(Instant receivedAt) {
        long next = ((Number) em.createNativeQuery("SELECT nextval('dsar_reference_seq')").getSingleResult()).longValue();
        return String.format(Locale.ROOT, "DSR-%d-%06d", Year.from(receivedAt.atZone(ZoneOffset.UTC)).getValue(), next);
    }

    static String normalise(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** Notifies whoever must act on a timer; used by {@link DsarTimers}. */
    void remind(DataSubjectRequest request, String kind) {
        String due = LegalClock.lastDay(request.effectiveDueAt()).toString();
        String message = switch (kind) {
            case DUE_SOON -> "Request " + request.getReference() + " is due by the end of " + due + " (7 days).";
            case ESCALATION -> "Escalation: request " + request.getReference() + " is due by the end of " + due + " and is still "
                    + request.getStatus() + ".";
            default -> "Overdue: request " + request.getReference() + " was due by the end of " + due + ".";
        };
        if (kind.equals(DUE_SOON) && request.getAssigneeId() != null) {
            notifications.notify(request.getAssigneeId(), kind, request.getId(), message);
        } else {
            notifications.notifyRole(Role.Names.PRIVACY_OFFICER, kind, request.getId(), message);
        }
    }
}
