package io.quaestor.retention.batch;

import io.quaestor.retention.control.RetentionRuns;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.listener.AbstractJobListener;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.UUID;

/** A job that fails leaves its run FAILED (restartable from its checkpoints), with the cause its failing step recorded. */
@Named("retentionJobListener")
@Dependent
public class RetentionJobListener extends AbstractJobListener {

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    JobContext job;

    @Inject
    RetentionRuns runs;

    @Override
    public void afterJob() {
        if (job.getBatchStatus() == BatchStatus.FAILED) {
            // a step listener has normally recorded the cause already; this is the fallback
            runs.failed(UUID.fromString(runId), "the job failed" + (job.getExitStatus() == null ? "" : ": " + job.getExitStatus()));
        }
    }
}
