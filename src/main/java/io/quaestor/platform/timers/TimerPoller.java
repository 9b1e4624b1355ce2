package io.quaestor.platform.timers;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** Polls for due timers on every instance; the row locks make each fire once. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class TimerPoller {

    private static final StructuredLog LOG = StructuredLog.of(TimerPoller.class);
    private static final int MAX_PER_POLL = 200;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    DeadlineTimers timers;

    @Inject
    @ConfigProperty(name = "quaestor.timers.poll-seconds", defaultValue = "5")
    int pollSeconds;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        schedule = scheduler.scheduleWithFixedDelay(this::poll, pollSeconds, pollSeconds, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void poll() {
        try {
            for (int i = 0; i < MAX_PER_POLL && timers.fireNext().isPresent(); i++) {
                // each timer in its own transaction
            }
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "timers.fire-failed", e);
        }
    }
}
