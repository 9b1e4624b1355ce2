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
 * Readiness data on retention: each rule's overdue seconds, and a warning when one is more than a
 * day behind. It stays UP: a late purge is for the operator to fix, not a reason to take the
 * instance out of service.
 */
@ApplicationScoped
public class RetentionHealth {

    private static final long WARN_AFTER = Duration.ofDays(1).toSeconds();

    @Inject
    RetentionBacklog backlog;

    @Produces
    @Readiness
    HealthCheck retention() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("retention").up();
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
