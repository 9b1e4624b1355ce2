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
 * from the start): a rule's tenants are purged together, window by window, so that each page of the
 * table is rewritten once rather than once per tenant (see {@code RetentionPurge}).
 */
@Named("retentionPartitions")
@Dependent
public class RetentionPartitions implements PartitionMapper {

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
                + "FROM retention_partition WHERE run_id = ? AND NOT done GROUP BY store, table_name ORDER BY min(seq)")) {
            s.setObject(1, UUID.fromString(runId));
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
