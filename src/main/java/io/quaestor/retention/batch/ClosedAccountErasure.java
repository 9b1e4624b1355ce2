package io.quaestor.retention.batch;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.erasure.control.ErasureRuns;
import io.quaestor.erasure.control.Erasures;
import io.quaestor.holds.control.HeldException;
import io.quaestor.platform.logging.StructuredLog;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Erases accounts closed longer ago than the data map's account-closed rule allows, with the same
 * engine, holds, verification and certificates as a data-subject erasure. An account under hold is
 * skipped (and counted); one that fails is left for the next night and counted.
 */
@Named("closedAccountErasure")
@Dependent
public class ClosedAccountErasure extends AbstractBatchlet {

    private static final StructuredLog LOG = StructuredLog.of(ClosedAccountErasure.class);

    @Inject
    DataMaps maps;

    @Inject
    RetentionStore stores;

    @Inject
    Erasures erasures;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    private volatile boolean stopping;

    @Override
    public String process() throws Exception {
        DataMap map = maps.active().map();
        DataMap.MappedTable subjects = map.table(map.subject().store(), map.subject().table()).orElseThrow();
        DataMap.Retention rule = subjects.retention();
        if (rule == null || !"account-closed".equals(rule.trigger())) {
            return "NO_RULE";
        }
        int erased = 0;
        int held = 0;
        int failed = 0;
        for (Object key : due(map, rule)) {
            if (stopping) {
                break;
            }
            try {
                ErasureRuns.Run run = erasures.start(null, null, "ACCOUNT_CLOSED", List.of(key), "retention");
                erasures.finish(run);
                erased++;
            } catch (HeldException e) {
                held++;
            } catch (RuntimeException e) {
                failed++;
                LOG.warn("retention.closed-account.failed", Map.of("error", e.getClass().getSimpleName()));
            }
        }
        audit.appendAction(null, "retention.closed-accounts-erased", "retention-job", "closed-account-erasure", null,
                Map.of("erased", Integer.toString(erased), "keptByHold", Integer.toString(held), "failed", Integer.toString(failed),
                        "closedBefore", clock.instant().minus(rule.periodDays(), ChronoUnit.DAYS).toString()));
        return failed == 0 ? "COMPLETED" : "PARTLY";
    }

    @Override
    public void stop() {
        stopping = true;
    }

    private List<Object> due(DataMap map, DataMap.Retention rule) throws Exception {
        List<Object> keys = new ArrayList<>();
        String sql = "SELECT " + RetentionStore.q(map.subject().key()) + " FROM " + RetentionStore.q(map.subject().table()) + " WHERE "
                + RetentionStore.q(rule.clockColumn()) + " < ? ORDER BY " + RetentionStore.q(rule.clockColumn());
        try (Connection c = stores.store(map.subject().store()).getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(clock.instant().minus(rule.periodDays(), ChronoUnit.DAYS)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getObject(1));
                }
            }
        }
        return keys;
    }
}
