package io.quaestor.audit.control;

import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * Writes audit events in the caller's transaction: if the event cannot be written, the action it
 * records does not happen either (fail closed).
 */
@ApplicationScoped
public class AuditLog {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    /** @return the event's sequence number (its leaf index) */
    @Transactional(Transactional.TxType.REQUIRED)
    public long append(AuditEvent event) {
        try (Connection c = quaestor.getConnection()) {
            return AuditAppender.append(c, List.of(event), clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be written", e);
        }
    }
}
