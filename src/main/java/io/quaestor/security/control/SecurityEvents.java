package io.quaestor.security.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Publishes security events and writes each as one structured log line. */
@ApplicationScoped
public class SecurityEvents {

    private static final StructuredLog LOG = StructuredLog.of(SecurityEvents.class);

    @Inject
    Event<SecurityEvent> event;

    @Inject
    Clock clock;

    public void publish(String action, UUID actorId, String targetType, UUID targetId, String outcome,
                        Map<String, String> details) {
        SecurityEvent fired = new SecurityEvent(action, actorId, targetType, targetId, outcome, clock.instant(), details);
        Map<String, Object> fields = new HashMap<>(details);
        fields.put("actor", actorId == null ? "-" : actorId);
        fields.put("targetType", targetType);
        fields.put("target", targetId == null ? "-" : targetId);
        fields.put("outcome", outcome);
        LOG.info("security." + action, fields);
        event.fire(fired);
    }
}
