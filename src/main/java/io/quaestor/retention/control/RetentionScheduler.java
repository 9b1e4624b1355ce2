package io.quaestor.retention.control;

import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.StateConflictException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * On every instance, every 30 seconds: takes over runs whose instance died, and starts the
 * nightly run once its time has come (the unique running-run index makes racing instances start
 * it once; a run already started since today's time counts).
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
public class RetentionScheduler {

    private static final StructuredLog LOG = StructuredLog.of(RetentionScheduler.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    RetentionRuns runs;

    @Inject
    RetentionSchedule schedule;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.retention.schedule.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "quaestor.retention.watch-seconds", defaultValue = "30")
    int watchSeconds;

    private ScheduledFuture<?> watch;

    @PostConstruct
    void start() {
        schedule.dailyAt();
        watch = scheduler.scheduleWithFixedDelay(this::tick, watchSeconds, watchSeconds, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (watch != null) {
            watch.cancel(false);
        }
    }

    private void tick() {
        try {
            runs.takeOverStale();
            Instant due = schedule.todaysStart();
            if (enabled && !clock.instant().isBefore(due) && !startedSince(due)) {
                runs.start(false, "schedule");
                runs.startClosedAccountErasure();
                runs.startHousekeeping();
            }
        } catch (StateConflictException busy) {
            // another instance started it, or a run is still going: nothing to do
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "retention.watch-failed", e);
        }
    }

    private boolean startedSince(Instant since) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM retention_run WHERE NOT dry_run AND started_at >= ? LIMIT 1")) {
            s.setObject(1, io.quaestor.platform.persistence.Timestamps.utc(since));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("retention runs could not be read", e);
        }
    }
}
