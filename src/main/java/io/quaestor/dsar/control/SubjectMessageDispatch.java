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

import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/** Drains the subject message queue every two seconds on every instance, when an SMTP server is configured. */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class SubjectMessageDispatch {

    private static final StructuredLog LOG = StructuredLog.of(SubjectMessageDispatch.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SubjectMessageSender sender;

    @Inject
    Mailer mailer;

    private ScheduledFuture<?> schedule;

    @PostConstruct
    void start() {
        if (!mailer.configured()) {
            LOG.warn("dsar.mail.disabled", Map.of("reason", "quaestor.mail.host is not set; subject messages wait in the queue"));
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
            for (int i = 0; i < 100 && sender.sendNext(); i++) {
                // one message per transaction
            }
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "dsar.mail.dispatch-failed", e);
        }
    }
}
