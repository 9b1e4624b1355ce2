package io.quaestor.platform.outbox;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Drains every enabled outbox every two seconds, on every instance; the row locks keep each
 * delivery single. Each outbox is drained for up to two seconds a round, so a large campaign
 * (a breach notice to every affected user) moves at the speed of its SMTP server without
 * starving the other outboxes.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class OutboxDispatch {

    private static final StructuredLog LOG = StructuredLog.of(OutboxDispatch.class);
    private static final long ROUND_NANOS = 2_000_000_000L;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @Any
    Instance<Outbox> outboxes;

    private List<Outbox> enabled;
    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        enabled = outboxes.stream().filter(outbox -> {
            if (!outbox.enabled()) {
                LOG.warn("outbox.disabled", Map.of("outbox", outbox.name(), "effect", "rows wait until it is configured"));
            }
            return outbox.enabled();
        }).toList();
        schedule = scheduler.scheduleWithFixedDelay(this::drain, 2, 2, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void drain() {
        for (Outbox outbox : enabled) {
            try {
                long until = System.nanoTime() + ROUND_NANOS;
                while (System.nanoTime() < until && outbox.deliverNext()) {
                    // one row per transaction
                }
            } catch (RuntimeException e) {
                LOG.failure(Level.WARNING, "outbox." + outbox.name() + ".failed", e);
            }
        }
    }
}
