package io.quaestor.retention.batch;

import io.quaestor.accesspackages.control.AccessPackages;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.retention.control.OwnRecords;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Quaestor's own retention: every line of {@link OwnRecords}' schedule (verification codes,
 * unverified requests, closed case files, incident records, escalation logs), and access packages
 * past their deletion date as a safety net behind their timers. Each line's outcome is recorded
 * ({@code housekeeping_record}: counts, what a hold kept, a digest of the keys, the references
 * reduced) and sealed in the audit trail.
 */
@Named("quaestorHousekeeping")
@Dependent
public class QuaestorHousekeeping extends AbstractBatchlet {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    AccessPackages packages;

    @Inject
    OwnRecords ownRecords;

    @Inject
    AuditLog audit;

    @Inject
    JobContext job;

    @Inject
    Clock clock;

    @Override
    public String process() throws Exception {
        Map<String, String> details = new TreeMap<>();
        details.put("packagesDeleted", Integer.toString(expiredPackages()));
        for (OwnRecords.Entry entry : ownRecords.schedule()) {
            OwnRecords.Outcome outcome = ownRecords.apply(entry);
            record(outcome);
            String slug = entry.line().slug;
            details.put(slug + ".affected", Long.toString(outcome.affected()));
            details.put(slug + ".held", Long.toString(outcome.held()));
            details.put(slug + ".sha256", HexFormat.of().formatHex(outcome.keysSha256()));
        }
        audit.appendAction(null, "retention.housekeeping", "retention-job", "quaestor-housekeeping/" + job.getExecutionId(), null, details);
        return "DONE";
    }

    private int expiredPackages() throws SQLException {
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
        return deleted;
    }

    private void record(OwnRecords.Outcome outcome) throws SQLException {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO housekeeping_record (execution_id, line, action, cutoff, affected, held, keys_sha256, reference_list, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setLong(1, job.getExecutionId());
            s.setString(2, outcome.line().slug);
            s.setString(3, outcome.line().action.name());
            s.setObject(4, Timestamps.utc(outcome.cutoff()));
            s.setLong(5, outcome.affected());
            s.setLong(6, outcome.held());
            s.setBytes(7, outcome.keysSha256());
            s.setString(8, String.join(",", outcome.references()));
            s.setObject(9, Timestamps.utc(clock.instant()));
            s.executeUpdate();
        }
    }
}
