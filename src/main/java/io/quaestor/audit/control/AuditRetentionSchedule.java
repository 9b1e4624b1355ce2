package io.quaestor.audit.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** Runs the audit trail's retention every hour on every instance; the lock lets one of them work. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class AuditRetentionSchedule {

    private static final StructuredLog LOG = StructuredLog.of(AuditRetentionSchedule.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    AuditRetention retention;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        if (!retention.configured()) {
            LOG.warn("audit.retention.disabled", Map.of("reason", "quaestor.audit.archive-dir is not set; payloads stay online"));
            return;
        }
        schedule = scheduler.scheduleWithFixedDelay(this::runQuietly, 5, 60, TimeUnit.MINUTES);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void runQuietly() {
        try {
            retention.run(null);
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "audit.retention.failed", e);
        }
    }
}
