package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.SecurityEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.util.UUID;

/**
 * Every security event (sign-in, staff and token changes, data map activation) becomes an audit
 * event, synchronously and in the same transaction as the change it records.
 */
@ApplicationScoped
public class SecurityEventRecorder {

    @Inject
    AuditLog log;

    @Inject
    Instance<HttpServletRequest> request;

    void record(@Observes SecurityEvent event) {
        Caller caller = null;
        String origin = null;
        try {
            HttpServletRequest http = request.get();
            caller = http.getAttribute(Caller.ATTRIBUTE) instanceof Caller c ? c : null;
            origin = Origins.truncate(http.getRemoteAddr());
        } catch (ContextNotActiveException | IllegalStateException noRequest) {
            // Start-up and scheduled work have no request; the event is recorded all the same.
        }
        log.append(new AuditEvent(UUID.randomUUID(), event.occurredAt(),
                event.actorId() == null ? "anonymous" : event.actorId().toString(),
                caller == null ? null : caller.roleList(),
                caller == null ? null : caller.method().name(), false, event.action(), event.targetType(),
                event.targetId() == null ? null : event.targetId().toString(), null, null, null, null, null,
                event.outcome(), origin, RequestIds.current().orElse(null), event.details()));
    }
}
