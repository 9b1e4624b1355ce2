package io.quaestor.retention.batch;

import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.StoreFailures;
import io.quaestor.retention.control.RetentionRuns;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.listener.AbstractStepListener;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.Map;
import java.util.UUID;

/**
 * A step that fails says why: the run keeps the first failure's cause (the step, the SQL state and
 * the database's message without values) and the log line carries the same, so an operator need
 * not guess from "the job failed".
 */
@Named("retentionStepListener")
@Dependent
public class RetentionStepListener extends AbstractStepListener {

    private static final StructuredLog LOG = StructuredLog.of(RetentionStepListener.class);

    @Inject
    @BatchProperty(name = "runId")
    String runId;

    @Inject
    StepContext step;

    @Inject
    RetentionRuns runs;

    @Override
    public void afterStep() {
        Exception failure = step.getException();
        if (failure == null) {
            return;
        }
        String cause = "step " + step.getStepName() + " failed: " + StoreFailures.describe(failure);
        LOG.warn("retention.step-failed", Map.of("run", runId, "step", step.getStepName(), "cause", cause));
        runs.noteFailure(UUID.fromString(runId), cause);
    }
}
