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

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
    @ConfigProperty(name = "quaestor.timers.poll-seconds", defaultValue = "1")
    int pollSeconds;

    private static final Duration RETRY_FAILED_AFTER = Duration.ofMinutes(1);

    private final Map<UUID, Instant> failing = new ConcurrentHashMap<>();

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
        Instant now = Instant.now();
        failing.values().removeIf(until -> until.isBefore(now));
        try {
            for (int i = 0; i < MAX_PER_POLL && timers.fireNext(failing.keySet()).isPresent(); i++) {
                // each timer in its own transaction
            }
        } catch (DeadlineTimers.TimerFailed e) {
            // Passed over here for a while (it stays due, and another instance may still fire it), so later timers go on firing.
            failing.put(e.timerId(), now.plus(RETRY_FAILED_AFTER));
            LOG.failure(Level.WARNING, "timers.fire-failed", e);
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "timers.fire-failed", e);
        }
    }
}
