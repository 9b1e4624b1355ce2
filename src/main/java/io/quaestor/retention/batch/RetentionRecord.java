package io.quaestor.retention.batch;

import io.quaestor.retention.control.RetentionRecords;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.UUID;

/** Last step: the deletion record, sealed into the audit trail, and the run completed. */
@Named("retentionRecord")
@Dependent
public class RetentionRecord extends AbstractBatchlet {

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    RetentionRecords records;

    @Override
    public String process() {
        return records.seal(UUID.fromString(runId)) ? "RECORDED" : "STOPPED";
    }
}
