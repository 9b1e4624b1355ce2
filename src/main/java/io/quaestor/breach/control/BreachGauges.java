package io.quaestor.breach.control;

import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Breach clocks as Prometheus gauges, for the alerting that must not depend on anyone opening
 * Quaestor: obligations pending and missed, open incidents, and the seconds to the nearest pending
 * deadline (negative once one has passed). Read from PostgreSQL every 15 s by each instance; every
 * instance reports the same figures.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class BreachGauges {

    private static final StructuredLog LOG = StructuredLog.of(BreachGauges.class);

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    MetricRegistry registry;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private volatile long pending;
    private volatile long missed;
    private volatile long openIncidents;
    private volatile double nextDeadlineSeconds = Double.NaN;
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void register() {
        registry.gauge("quaestor_breach_obligations", () -> pending, new Tag("status", "PENDING"));
        registry.gauge("quaestor_breach_obligations", () -> missed, new Tag("status", "MISSED"));
        registry.gauge("quaestor_breach_open_incidents", () -> openIncidents);
        registry.gauge("quaestor_breach_next_deadline_seconds", () -> nextDeadlineSeconds);
        schedule = scheduler.scheduleWithFixedDelay(this::refresh, 0, 15, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void refresh() {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE o.status = 'PENDING'), count(*) FILTER (WHERE o.status = 'MISSED'),
                  (SELECT count(*) FROM incident WHERE status <> 'CLOSED'),
                  extract(epoch FROM min(o.due_at) FILTER (WHERE o.status IN ('PENDING', 'MISSED')) - ?::timestamptz)
                FROM obligation o JOIN incident i ON i.id = o.incident_id WHERE i.status <> 'CLOSED'""")) {
            s.setObject(1, clock.instant().atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                pending = rs.getLong(1);
                missed = rs.getLong(2);
                openIncidents = rs.getLong(3);
                double next = rs.getDouble(4);
                nextDeadlineSeconds = rs.wasNull() ? Double.NaN : next;
            }
        } catch (Exception e) {
            LOG.failure(Level.WARNING, "breach.gauges.failed", e);
        }
    }
}
