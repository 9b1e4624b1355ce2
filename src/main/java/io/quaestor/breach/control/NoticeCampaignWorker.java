package io.quaestor.breach.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** Enumerates the recipients of new or abandoned notice campaigns, on every instance; the heartbeat keeps each campaign with one. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class NoticeCampaignWorker {

    private static final StructuredLog LOG = StructuredLog.of(NoticeCampaignWorker.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    UserNotices notices;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        schedule = scheduler.scheduleWithFixedDelay(this::work, 2, 2, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void work() {
        try {
            Optional<UUID> campaign;
            while ((campaign = notices.enumerateNext()).isPresent()) {
                notices.finishIfDone(campaign.get());
            }
        } catch (Exception e) {
            LOG.failure(Level.WARNING, "breach.notices.enumeration-failed", e);
        }
    }
}
