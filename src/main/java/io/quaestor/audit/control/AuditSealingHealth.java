package io.quaestor.audit.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready without a signing key: an unsealed audit trail is not evidence. The data also says how
 * far sealing lags: events appended since the last signed checkpoint, and when that was issued.
 */
@ApplicationScoped
public class AuditSealingHealth {

    @Inject
    AuditSealing sealing;

    @jakarta.annotation.Resource(lookup = io.quaestor.platform.persistence.Datasources.QUAESTOR)
    javax.sql.DataSource quaestor;

    @Produces
    @Readiness
    HealthCheck auditSealing() {
        return () -> {
            boolean configured = sealing.signer().isPresent();
            var response = HealthCheckResponse.named("audit-sealing").withData("signing-key-configured", configured);
            lag(response);
            return response.status(configured).build();
        };
    }

    private void lag(org.eclipse.microprofile.health.HealthCheckResponseBuilder response) {
        try (java.sql.Connection c = quaestor.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT (SELECT coalesce(max(seq) + 1, 0) FROM audit_event)"
                     + " - (SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint),"
                     + " (SELECT max(issued_at) FROM audit_checkpoint),"
                     + " (SELECT count(*) FROM audit_pending),"
                     + " (SELECT extract(epoch FROM now() - min(enqueued_at)) FROM audit_pending)")) {
            rs.next();
            response.withData("unsealed-events", rs.getLong(1));
            java.time.OffsetDateTime last = rs.getObject(2, java.time.OffsetDateTime.class);
            response.withData("last-checkpoint-at", last == null ? "none" : last.toInstant().toString());
            // Committed events the sequencer has not yet given a seq: a growing age means it is stuck.
            response.withData("pending-events", rs.getLong(3));
            response.withData("oldest-pending-seconds", (long) Math.ceil(rs.getDouble(4)));
        } catch (java.sql.SQLException e) {
            response.withData("unsealed-events", "unknown: the trail could not be read");
        }
    }
}
