package io.quaestor.retention.batch;

import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.partition.PartitionMapper;
import jakarta.batch.api.partition.PartitionPlan;
import jakarta.batch.api.partition.PartitionPlanImpl;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * One partition of the purge step per store x rule with tenants still to do (held ones are done
 * from the start), up to {@link #TENANTS_PER_SWEEP} tenants each: a rule's tenants are purged
 * together, window by window, so that each page of the table is rewritten once rather than once
 * per tenant (see {@code RetentionPurge}).
 */
@Named("retentionPartitions")
@Dependent
public class RetentionPartitions implements PartitionMapper {

    /**
     * At most this many tenants per partition: every chunk writes each of its tenants' checkpoint
     * and binds them all in its DELETE, so a gateway of many thousands of tenants gets several
     * sweeps of a rule (a page holds rows of a few dozen tenants at most, so little is lost).
     */
    static final int TENANTS_PER_SWEEP = 500;

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    @BatchProperty(name = "threads")
    String threads;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Override
    public PartitionPlan mapPartitions() throws Exception {
        List<String> open = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT string_agg(seq::text, ',' ORDER BY seq) "
                + "FROM (SELECT seq, store, table_name, (row_number() OVER (PARTITION BY store, table_name ORDER BY seq) - 1) / ? AS sweep "
                + "FROM retention_partition WHERE run_id = ? AND NOT done) p GROUP BY store, table_name, sweep ORDER BY min(seq)")) {
            s.setInt(1, TENANTS_PER_SWEEP);
            s.setObject(2, UUID.fromString(runId));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(rs.getString(1));
                }
            }
        }
        PartitionPlanImpl plan = new PartitionPlanImpl();
        plan.setPartitions(Math.max(1, open.size()));
        plan.setThreads(Math.max(1, Math.min(open.size(), threads == null ? 2 : Integer.parseInt(threads))));
        Properties[] properties = new Properties[Math.max(1, open.size())];
        for (int i = 0; i < properties.length; i++) {
            properties[i] = new Properties();
            properties[i].setProperty("seqs", open.isEmpty() ? "" : open.get(i));
        }
        plan.setPartitionProperties(properties);
        return plan;
    }
}
