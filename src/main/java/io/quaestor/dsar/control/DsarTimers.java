package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.timers.TimerDue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.Instant;

/**
 * Acts on a request's timers, inside the transaction that claimed them: reminders to the
 * assignee, escalations to every privacy officer, the lapse of unverified requests. A reminder
 * for a deadline no longer in force (the request was extended) or for a closed request does nothing.
 */
@ApplicationScoped
public class DsarTimers {

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    DataSubjectRequests requests;

    void onTimer(@Observes TimerDue timer) {
        switch (timer.kind()) {
            case DataSubjectRequests.VERIFICATION_LAPSE -> requests.lapseIfUnverified(timer.refId());
            case DataSubjectRequests.DUE_SOON -> remindIfCurrent(timer, DataSubjectRequests.DUE_SOON_BEFORE);
            case DataSubjectRequests.ESCALATION -> remindIfCurrent(timer, DataSubjectRequests.ESCALATION_BEFORE);
            case DataSubjectRequests.OVERDUE -> remindIfCurrent(timer, java.time.Duration.ZERO);
            default -> {
                // another feature's timer
            }
        }
    }

    private void remindIfCurrent(TimerDue timer, java.time.Duration before) {
        DataSubjectRequest request = em.find(DataSubjectRequest.class, timer.refId());
        if (request == null || request.getStatus().isFinal()) {
            return;
        }
        Instant expected = request.effectiveDueAt().minus(before);
        if (expected.equals(timer.fireAt())) {
            requests.remind(request, timer.kind());
        }
    }
}
