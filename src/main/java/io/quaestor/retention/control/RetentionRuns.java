package io.quaestor.retention.control;

import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Retention runs: started by the schedule or an administrator, one at a time across all
 * instances (a unique index on the running state decides), carried out by the Jakarta Batch job
 * {@code retention-purge}. Every step keeps its state in PostgreSQL, so when an instance dies
 * mid-run, another execution of the job picks up the same run from its last checkpoint: the
 * heartbeat stops, and the first instance to see it stale takes the run over.
 */
@ApplicationScoped
public class RetentionRuns {

    public static final String JOB = "retention-purge";
    private static final StructuredLog LOG = StructuredLog.of(RetentionRuns.class);

    /** A run as the API shows it. */
    public record Run(UUID id, boolean dryRun, String state, String dataMapVersion, String startedBy, Instant startedAt,
                      Instant heartbeatAt, Instant finishedAt, int executions, String error, String sha256, UUID auditEventId) {
    }

    /** One store x rule x tenant of a run, with how far it got. */
    public record Partition(UUID runId, int seq, String store, String table, String category, String tenant, Instant cutoff,
                            int daysApplied, String reason, String heldBy, Instant positionClock, String positionKey,
                            long rowsDeleted, boolean done, Double rateCeiling, int backoffs, long pausedMillis) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DataMaps maps;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.retention.stale-after", defaultValue = "PT2M")
    Duration staleAfter;

    /** Starts a run now; 409 while another is running. */
    public UUID start(boolean dryRun, String startedBy) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO retention_run (id, dry_run, "
                + "state, datamap_version, started_by, started_at, heartbeat_at) VALUES (?, ?, 'RUNNING', ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setBoolean(2, dryRun);
            s.setString(3, maps.active().map().version());
            s.setString(4, startedBy);
            s.setObject(5, Timestamps.utc(now));
            s.setObject(6, Timestamps.utc(now));
            s.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new StateConflictException("A retention run is in progress; one runs at a time. Stop it or wait for it.");
            }
            throw new IllegalStateException("the retention run could not be recorded", e);
        }
        launch(id);
        return id;
    }

    /** Starts the closed-account erasure job; returns its execution id. */
    public long startClosedAccountErasure() {
        return BatchRuntime.getJobOperator().start("closed-account-erasure", new Properties());
    }

    /** Starts Quaestor's own housekeeping job; returns its execution id. */
    public long startHousekeeping() {
        return BatchRuntime.getJobOperator().start("quaestor-housekeeping", new Properties());
    }

    /** Asks a running run to stop after its current chunk; it can be restarted from there. */
    public void stop(UUID id) {
        Run run = require(id);
        if (!run.state().equals("RUNNING")) {
            throw new StateConflictException("The run is " + run.state() + "; only a running run can be stopped.");
        }
        update("UPDATE retention_run SET state = 'STOPPED', finished_at = ? WHERE id = ? AND state = 'RUNNING'", id);
    }

    /** Continues a stopped or failed run from its checkpoints; 409 while it (or another) runs. */
    public void restart(UUID id) {
        Run run = require(id);
        if (run.state().equals("RUNNING")) {
            throw new StateConflictException("The run is already running; a run cannot be restarted while it runs.");
        }
        if (run.state().equals("COMPLETED")) {
            throw new StateConflictException("The run completed; start a new run instead.");
        }
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_run SET state = 'RUNNING', "
                + "heartbeat_at = ?, finished_at = NULL, error = NULL, executions = executions + 1 WHERE id = ? AND state IN ('STOPPED', 'FAILED')")) {
            s.setObject(1, Timestamps.utc(clock.instant()));
            s.setObject(2, id);
            if (s.executeUpdate() != 1) {
                throw new StateConflictException("The run changed meanwhile; look again.");
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new StateConflictException("Another retention run is in progress; one runs at a time.");
            }
            throw new IllegalStateException("the retention run could not be restarted", e);
        }
        launch(id);
    }

    /**
     * Takes over runs whose heartbeat has stopped (their instance died): the first instance to
     * claim one starts a new execution of the job for it, which resumes from the checkpoints.
     */
    public List<UUID> takeOverStale() {
        List<UUID> taken = new ArrayList<>();
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_run SET heartbeat_at = ?, "
                + "executions = executions + 1 WHERE state = 'RUNNING' AND heartbeat_at < ? RETURNING id")) {
            s.setObject(1, Timestamps.utc(now));
            s.setObject(2, Timestamps.utc(now.minus(staleAfter)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    taken.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("stale retention runs could not be claimed", e);
        }
        taken.forEach(id -> {
            LOG.info("retention.run.taken-over", Map.of("run", id.toString()));
            launch(id);
        });
        return taken;
    }

    /** Still running (not stopped by an administrator)? Also proves this execution is alive. */
    public boolean beat(UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_run SET heartbeat_at = ? WHERE id = ? AND state = 'RUNNING'")) {
            s.setObject(1, Timestamps.utc(clock.instant()));
            s.setObject(2, id);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("the retention run's heartbeat could not be written", e);
        }
    }

    /** Keeps the first cause a step reports, so the run's error names what actually went wrong. */
    public void noteFailure(UUID id, String cause) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_run SET error = ? WHERE id = ? AND error IS NULL")) {
            s.setString(1, cause);
            s.setObject(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the retention run could not be updated", e);
        }
    }

    /** Marks the run FAILED; a cause a step noted first is kept, {@code error} only fills in when there is none. */
    public void failed(UUID id, String error) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_run SET state = 'FAILED', error = coalesce(error, ?), finished_at = ? WHERE id = ? AND state = 'RUNNING'")) {
            s.setString(1, error);
            s.setObject(2, Timestamps.utc(clock.instant()));
            s.setObject(3, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the retention run could not be updated", e);
        }
    }

    public Run require(UUID id) {
        return find(id).orElseThrow(() -> new NotFoundException("No retention run has this id."));
    }

    public Optional<Run> find(UUID id) {
        List<Run> runs = query("WHERE id = ?", id, 1);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    /** Whether a RUNNING run's heartbeat is older than the take-over threshold: nobody is working on it. */
    public boolean isStuck(Run run) {
        return "RUNNING".equals(run.state()) && run.heartbeatAt() != null
                && run.heartbeatAt().isBefore(clock.instant().minus(staleAfter));
    }

    public List<Run> recent(int limit) {
        return query("", null, limit);
    }

    /** The run's record (JSON as sealed), once it is written. */
    public Optional<String> record(UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT record FROM retention_run WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the retention record could not be read", e);
        }
    }

    public List<Partition> partitions(UUID runId) {
        List<Partition> partitions = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT run_id, seq, store, table_name, "
                + "category, tenant, cutoff, days_applied, reason, held_by, position_clock, position_key, rows_deleted, done, "
                + "rate_ceiling, backoffs, paused_ms FROM retention_partition WHERE run_id = ? ORDER BY seq")) {
            s.setObject(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    partitions.add(new Partition(rs.getObject(1, UUID.class), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), Timestamps.instant(rs, 7), rs.getInt(8), rs.getString(9), rs.getString(10),
                            Timestamps.instant(rs, 11), rs.getString(12), rs.getLong(13), rs.getBoolean(14),
                            rs.getObject(15) == null ? null : rs.getDouble(15), rs.getInt(16), rs.getLong(17)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the retention partitions could not be read", e);
        }
        return partitions;
    }

    private void launch(UUID id) {
        Properties parameters = new Properties();
        parameters.setProperty("runId", id.toString());
        long execution = BatchRuntime.getJobOperator().start(JOB, parameters);
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE retention_run SET job_execution_id = ? WHERE id = ?")) {
            s.setLong(1, execution);
            s.setObject(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the retention run could not be updated", e);
        }
    }

    private List<Run> query(String where, UUID id, int limit) {
        List<Run> runs = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, dry_run, state, datamap_version, "
                + "started_by, started_at, heartbeat_at, finished_at, executions, error, sha256, audit_event_id FROM retention_run "
                + where + " ORDER BY started_at DESC LIMIT " + limit)) {
            if (id != null) {
                s.setObject(1, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byte[] sha = rs.getBytes(11);
                    runs.add(new Run(rs.getObject(1, UUID.class), rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            Timestamps.instant(rs, 6), Timestamps.instant(rs, 7), Timestamps.instant(rs, 8), rs.getInt(9), rs.getString(10),
                            sha == null ? null : java.util.HexFormat.of().formatHex(sha), rs.getObject(12, UUID.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("retention runs could not be read", e);
        }
        return runs;
    }

    private void update(String sql, UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, Timestamps.utc(clock.instant()));
            s.setObject(2, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the retention run could not be updated", e);
        }
    }


}
