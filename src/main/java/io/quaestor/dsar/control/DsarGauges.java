package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.logging.StructuredLog;
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

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * The privacy office's figures as Prometheus gauges: open requests by state and type, due within
 * 7 days, overdue. Read from PostgreSQL every 30 s (not per scrape) by each instance; every
 * instance reports the same cluster-wide numbers.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class DsarGauges {

    private static final StructuredLog LOG = StructuredLog.of(DsarGauges.class);

    @Inject
    MetricRegistry registry;

    @Inject
    DsarMetrics metrics;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final Map<String, Long> open = new ConcurrentHashMap<>();
    private volatile long dueSoon;
    private volatile long overdue;
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void register() {
        for (RequestStatus status : RequestStatus.values()) {
            if (status.isFinal()) {
                continue;
            }
            for (RequestType type : RequestType.values()) {
                String key = status + "/" + type;
                registry.gauge("quaestor_dsar_open_requests", () -> open.getOrDefault(key, 0L),
                        new Tag("status", status.name()), new Tag("type", type.name()));
            }
        }
        registry.gauge("quaestor_dsar_due_within_7_days", () -> dueSoon);
        registry.gauge("quaestor_dsar_overdue", () -> overdue);
        schedule = scheduler.scheduleWithFixedDelay(this::refresh, 0, 30, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void refresh() {
        try {
            DsarMetrics.Snapshot snapshot = metrics.snapshot(clock.instant().minus(Duration.ofDays(1)), clock.instant());
            Map<String, Long> fresh = new ConcurrentHashMap<>();
            snapshot.open().forEach(c -> fresh.put(c.status() + "/" + c.type(), c.requests()));
            open.keySet().retainAll(fresh.keySet());
            open.putAll(fresh);
            dueSoon = snapshot.dueWithin7Days();
            overdue = snapshot.overdue();
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "dsar.gauges.refresh-failed", e);
        }
    }
}
