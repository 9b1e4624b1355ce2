package io.quaestor.access.control;

import io.quaestor.access.entity.AccessGrant;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.control.CustomerPseudonyms;
import io.quaestor.audit.control.Origins;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.security.control.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Audit events of operator access, with the grant's justification, scope and approval in every
 * one. Customer accounts appear only as the tenant's keyed pseudonyms.
 */
@ApplicationScoped
public class AccessAudit {

    @Inject
    AuditLog log;

    @Inject
    CustomerPseudonyms pseudonyms;

    /** The container's proxy: resolved once here rather than through {@code Instance.get()} on every event. */
    @Inject
    HttpServletRequest request;

    @Inject
    Clock clock;

    /** In the caller's transaction: the change it records happens only if this is written. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UUID grantEvent(Caller caller, String action, AccessGrant grant, Map<String, String> details) {
        return log.append(event(caller, action, "access-grant", grant.getId().toString(), grant, "success", details));
    }

    /** A refusal, in a transaction of its own: the refused action rolls back, its record must not. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public UUID denied(Caller caller, String action, String resourceType, String resourceId, AccessGrant grant,
                       String reason, Map<String, String> details) {
        Map<String, String> withReason = new HashMap<>(details);
        withReason.put("reason", reason);
        return log.append(event(caller, action, resourceType, resourceId, grant, "denied", withReason));
    }

    /** The record of a read of customer data under a grant; the gate appends it in the transaction that releases the data. */
    public AuditEvent readEvent(Caller caller, AccessGrant grant, String accountKey, Map<String, String> details) {
        return event(caller, "customer-data.read", "account", accountPseudonym(grant.getTenant(), accountKey),
                grant, "success", details);
    }

    public String accountPseudonym(String tenant, String accountKey) {
        return accountKey == null ? null : pseudonyms.of(tenant, "account-id", accountKey);
    }

    private AuditEvent event(Caller caller, String action, String resourceType, String resourceId, AccessGrant grant,
                             String outcome, Map<String, String> details) {
        return new AuditEvent(UUID.randomUUID(), clock.instant(), caller.userId().toString(), caller.roleList(),
                caller.method().name(), grant != null && grant.isBreakGlass(), action, resourceType, resourceId,
                grant == null ? null : grant.getTenant(),
                grant == null ? null : grant.getJustificationCode().name(),
                grant == null ? null : grant.getJustificationReference(),
                grant == null ? null : grant.getId(), grant == null ? null : grant.getApprovalId(),
                outcome, origin(), RequestIds.current().orElse(null), details);
    }

    private String origin() {
        try {
            return Origins.truncate(request.getRemoteAddr());
        } catch (ContextNotActiveException | IllegalStateException noRequest) {
            return null;
        }
    }
}
