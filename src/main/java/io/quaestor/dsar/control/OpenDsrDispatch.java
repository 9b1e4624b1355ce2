package io.quaestor.dsar.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** Delivers OpenDSR status callbacks every two seconds on every instance. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class OpenDsrDispatch {

    private static final StructuredLog LOG = StructuredLog.of(OpenDsrDispatch.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    OpenDsrCallbacks callbacks;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
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
            for (int i = 0; i < 100 && callbacks.deliverNext(); i++) {
                // one callback per transaction
            }
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "opendsr.callback-failed", e);
        }
    }
}
