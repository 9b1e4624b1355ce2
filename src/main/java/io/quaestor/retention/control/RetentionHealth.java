package io.quaestor.retention.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Readiness data on retention: the last run's state and error (with a warning when it failed or
 * is stuck without a heartbeat), each rule's overdue seconds, and a warning when one is more than a
 * day behind. It stays UP: a late purge is for the operator to fix, not a reason to take the
 * instance out of service.
 */
@ApplicationScoped
public class RetentionHealth {

    private static final long WARN_AFTER = Duration.ofDays(1).toSeconds();

    @Inject
    RetentionBacklog backlog;

    @Inject
    RetentionRuns runs;

    @Produces
    @Readiness
    HealthCheck retention() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("retention").up();
            runs.recent(1).forEach(last -> {
                response.withData("lastRun.id", last.id().toString()).withData("lastRun.state", last.state());
                if (last.error() != null) {
                    response.withData("lastRun.error", last.error());
                }
                if ("FAILED".equals(last.state())) {
                    response.withData("warning.lastRun", "the last retention run failed; restart it after fixing the cause");
                } else if (runs.isStuck(last)) {
                    response.withData("warning.lastRun", "the running retention run has no heartbeat: no instance is working on it");
                }
            });
            backlog.overdue().forEach((table, seconds) -> {
                response.withData(table + ".overdue-seconds", seconds);
                if (seconds > WARN_AFTER) {
                    response.withData("warning", "rows of " + table + " are more than a day past their retention deadline");
                }
            });
            return response.build();
        };
    }
}
