package io.quaestor.webhooks.control;

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

/** Drains the webhook queue every two seconds on every instance, when the gateway's webhook is configured. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class WebhookDispatch {

    private static final StructuredLog LOG = StructuredLog.of(WebhookDispatch.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    WebhookSender sender;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        if (!sender.configured()) {
            LOG.warn("webhooks.disabled", Map.of("reason", "quaestor.gateway.webhook.url and .secret are not set; webhooks wait in the queue"));
            return;
        }
        schedule = scheduler.scheduleWithFixedDelay(this::drain, 2, 2, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < 100 && sender.deliverNext(); i++) {
                // one webhook per transaction
            }
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "webhooks.delivery-failed", e);
        }
    }
}
