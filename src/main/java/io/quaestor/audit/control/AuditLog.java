package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes audit events in the caller's transaction: if the event cannot be written, the action it
 * records does not happen either (fail closed). No global lock is taken: see {@link AuditQueue}.
 */
@ApplicationScoped
public class AuditLog {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Inject
    AuditKeys keys;

    /** Records that a staff member read the audit trail itself (verification, proofs, bundles): such reads are audited too. */
    @Transactional(Transactional.TxType.REQUIRED)
    public UUID appendTrailRead(Caller caller, String origin, String action, Map<String, String> details) {
        return append(new AuditEvent(UUID.randomUUID(), clock.instant(), caller.userId().toString(),
                caller.roleList(), caller.method().name(), false,
                action, "audit-trail", null, null, null, null, null, null, "success", origin,
                RequestIds.current().orElse(null), details));
    }

    /**
     * Records what a staff member (or, with a null caller, Quaestor itself) did to a resource that
     * is not customer data: a legal hold, a package, an erasure.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public AuditEvent appendAction(Caller caller, String action, String resourceType, String resourceId, String tenant,
                                   Map<String, String> details) {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), clock.instant(), caller == null ? "quaestor" : caller.userId().toString(),
                caller == null ? null : caller.roleList(), caller == null ? null : caller.method().name(), false,
                action, resourceType, resourceId, tenant, null, null, null, null, "success", null,
                RequestIds.current().orElse(null), details);
        append(event);
        return event;
    }

    /**
     * Queues events on the caller's own connection, inside the transaction that makes the change
     * they record, for callers that already hold one (the access gate's release), and only while
     * {@code guard} (a query on the same connection, which may lock what it reads) returns a row:
     * checked and queued in one statement. Refused outside a transaction: on a connection that
     * commits by itself the events would not share the change's fate.
     *
     * @return whether the guard held; if not, nothing was queued
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendIf(Connection c, String guard, AuditQueue.GuardParameters parameters, List<AuditEvent> events)
            throws SQLException {
        return AuditQueue.enqueueIf(c, guard, parameters, events, clock.instant(), keys.pendingKey());
    }

    /**
     * Writes the event to the pending queue in the caller's transaction; the sequencer gives it its
     * seq once that commits (see docs/architecture.md, "Ordering of the audit trail").
     *
     * @return the event's id, by which it can be found in the trail
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public UUID append(AuditEvent event) {
        try (Connection c = quaestor.getConnection()) {
            AuditQueue.enqueue(c, List.of(event), clock.instant(), keys.pendingKey());
            return event.eventId();
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be written", e);
        }
    }
}
