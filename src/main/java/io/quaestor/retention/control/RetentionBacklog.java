package io.quaestor.retention.control;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.holds.entity.HoldScope;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.retention.batch.RetentionStore;
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
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Whether retention keeps its promises: per rule, how long the oldest row past its deadline has
 * been overdue (0 when all is well), as the gauge {@code quaestor_retention_overdue_seconds{table}}
 * and in the readiness check, which warns when any rule is more than a day behind. Held rows
 * are not overdue. Refreshed every five minutes ({@code quaestor.retention.backlog-seconds}).
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class RetentionBacklog {

    private static final StructuredLog LOG = StructuredLog.of(RetentionBacklog.class);

    @Inject
    MetricRegistry registry;

    @Inject
    DataMaps maps;

    @Inject
    RetentionStore stores;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quaestor.retention.backlog-seconds", defaultValue = "300")
    int refreshSeconds;

    private final Map<String, Long> overdueSeconds = new ConcurrentHashMap<>();
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void register() {
        for (RetentionRules.Rule rule : new RetentionRules(maps.active().map()).rules()) {
            String key = rule.store() + "." + rule.table();
            overdueSeconds.put(key, 0L);
            registry.gauge("quaestor_retention_overdue_seconds", () -> overdueSeconds.getOrDefault(key, 0L),
                    new Tag("store", rule.store()), new Tag("table", rule.table()));
        }
        schedule = scheduler.scheduleWithFixedDelay(this::refresh, Math.min(10, refreshSeconds), refreshSeconds, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** Overdue seconds per store.table, as last measured. */
    public Map<String, Long> overdue() {
        return Map.copyOf(overdueSeconds);
    }

    /** Reads the Quaestor and gateway stores, so never inside one transaction (they are not XA resources). */
    @jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.NOT_SUPPORTED)
    public void refresh() {
        try {
            DataMap map = maps.active().map();
            Instant now = clock.instant();
            RetentionRules.Context context = new RetentionRules.Context(now, stores.tenantDays(map),
                    new HashSet<>(stores.heldOf(HoldScope.TENANT)), new HashSet<>(stores.heldOf(HoldScope.CATEGORY)));
            Map<String, Long> fresh = new ConcurrentHashMap<>();
            for (RetentionRules.Cutoff cutoff : new RetentionRules(map).cutoffs(context)) {
                String key = cutoff.rule().store() + "." + cutoff.rule().table();
                fresh.putIfAbsent(key, 0L);
                if (cutoff.held()) {
                    continue;
                }
                Instant oldest = new RetentionPurge(stores.store(cutoff.rule().store()), stores.target(map, cutoff.rule().store(),
                        cutoff.rule().table(), cutoff.tenant(), cutoff.cutoff())).oldestExpired(stores.heldAccounts());
                if (oldest != null) {
                    fresh.merge(key, Duration.between(oldest, cutoff.cutoff()).toSeconds(), Math::max);
                }
            }
            overdueSeconds.putAll(fresh);
        } catch (Exception e) {
            LOG.failure(Level.WARNING, "retention.backlog.refresh-failed", e);
        }
    }
}
