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

/** A job that fails leaves its run FAILED (restartable from its checkpoints), with the failure's class as the reason. */
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
            runs.failed(UUID.fromString(runId), "the job failed: " + job.getExitStatus());
        }
    }
}
