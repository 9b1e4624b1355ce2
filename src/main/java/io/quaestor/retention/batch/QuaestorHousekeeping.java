package io.quaestor.retention.batch;

import io.quaestor.accesspackages.control.AccessPackages;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Quaestor's own retention, as a safety net behind its timers: access packages past their
 * deletion date are deleted with their keys (a timer that could not fire, a restored backup).
 */
@Named("quaestorHousekeeping")
@Dependent
public class QuaestorHousekeeping extends AbstractBatchlet {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AccessPackages packages;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Override
    public String process() throws Exception {
        List<UUID> expired = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id FROM access_package WHERE state <> 'DELETED' AND expires_at <= ?")) {
            s.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    expired.add(rs.getObject(1, UUID.class));
                }
            }
        }
        int deleted = 0;
        for (UUID id : expired) {
            if (packages.delete(id, "past its deletion date (housekeeping)")) {
                deleted++;
            }
        }
        audit.appendAction(null, "retention.housekeeping", "retention-job", "quaestor-housekeeping", null,
                Map.of("packagesDeleted", Integer.toString(deleted)));
        return "DONE";
    }
}
