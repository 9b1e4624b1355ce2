package io.quaestor.retention.batch;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.retention.control.RetentionRules;
import jakarta.annotation.Resource;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
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
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * First step: fixes the run's cutoffs (rule x tenant, after holds and floors) as rows, once. A
 * restarted run finds them and keeps them, so its end state is the one the first start promised.
 */
@Named("retentionPlan")
@Dependent
public class RetentionPlan extends AbstractBatchlet {

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    RetentionStore stores;

    @Inject
    DataMaps maps;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Clock clock;

    @Override
    public String process() throws Exception {
        UUID run = UUID.fromString(runId);
        try (Connection c = quaestor.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM retention_partition WHERE run_id = ?")) {
                s.setObject(1, run);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return "RESUMED";
                    }
                }
            }
            DataMap map = maps.active().map();
            List<RetentionRules.Cutoff> cutoffs = new RetentionRules(map).cutoffs(new RetentionRules.Context(clock.instant(),
                    stores.tenantDays(map), new HashSet<>(stores.heldOf(HoldScope.TENANT)), new HashSet<>(stores.heldOf(HoldScope.CATEGORY))));
            try (PreparedStatement s = c.prepareStatement("INSERT INTO retention_partition (run_id, seq, store, table_name, category, tenant, "
                    + "cutoff, days_applied, reason, held_by, done) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int seq = 0;
                for (RetentionRules.Cutoff cut : cutoffs) {
                    s.setObject(1, run);
                    s.setInt(2, seq++);
                    s.setString(3, cut.rule().store());
                    s.setString(4, cut.rule().table());
                    s.setString(5, cut.rule().category());
                    s.setString(6, cut.tenant());
                    s.setObject(7, cut.cutoff() == null ? null : OffsetDateTime.ofInstant(cut.cutoff(), ZoneOffset.UTC));
                    s.setInt(8, cut.daysApplied());
                    s.setString(9, cut.reason());
                    s.setString(10, cut.heldBy());
                    s.setBoolean(11, cut.held());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        return "PLANNED";
    }
}
