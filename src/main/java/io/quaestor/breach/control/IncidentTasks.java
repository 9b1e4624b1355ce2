package io.quaestor.breach.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Statements;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.timers.DeadlineTimers;
import io.quaestor.platform.timers.TimerDue;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The work of an incident: tasks with an owner and a due time (reminded a day before, escalated
 * when overdue, daily until closed), and the post-incident review (root cause, what worked,
 * prevention) whose follow-up actions become tasks of their own. A Critical or High incident
 * closes only once its review is recorded.
 */
@ApplicationScoped
public class IncidentTasks {

    static final String TASK_TIMER = "BREACH_TASK";
    private static final Duration REMIND_BEFORE = Duration.ofDays(1);
    private static final Duration OVERDUE_EVERY = Duration.ofDays(1);

    public record Task(UUID id, UUID incidentId, String title, String kind, UUID ownerId, Instant dueAt, String status, Instant createdAt,
                       Instant closedAt, String outcome) {
    }

    public record NewTask(String title, UUID ownerId, Instant dueAt) {
    }

    public record Review(UUID incidentId, String rootCause, String whatWorked, String prevention, UUID recordedBy, Instant recordedAt,
                         List<Task> followUps) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Incidents incidents;

    @Inject
    DeadlineTimers timers;

    @Inject
    StaffNotifications notifications;

    @Inject
    Escalations escalations;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Transactional
    public Task add(UUID incidentId, NewTask task, Caller by) {
        Incidents.Incident incident = incidents.locked(incidentId);
        requireOpen(incident);
        return insert(incident, task, "RESPONSE", by);
    }

    @Transactional
    public Task close(UUID incidentId, UUID taskId, String status, String outcome, Caller by) {
        Task task = get(incidentId, taskId);
        if (!task.status().equals("OPEN")) {
            throw new StateConflictException("The task is already " + task.status() + ".");
        }
        execute("UPDATE incident_task SET status = ?, closed_at = ?, closed_by = ?, outcome = ? WHERE id = ? AND status = 'OPEN'",
                status, Timestamps.utc(clock.instant()), by.userId(), outcome, taskId);
        incidents.event(incidentId, by, "task-" + status.toLowerCase(java.util.Locale.ROOT), task.title() + ": " + outcome);
        audit.appendAction(by, "breach.task-closed", "incident", incidentId.toString(), null, Map.of("task", taskId.toString(), "status", status));
        return get(incidentId, taskId);
    }

    public List<Task> of(UUID incidentId) {
        incidents.get(incidentId);
        return query("SELECT id, incident_id, title, kind, owner_id, due_at, status, created_at, closed_at, outcome FROM incident_task "
                + "WHERE incident_id = ? ORDER BY due_at, created_at", incidentId);
    }

    public Task get(UUID incidentId, UUID taskId) {
        return query("SELECT id, incident_id, title, kind, owner_id, due_at, status, created_at, closed_at, outcome FROM incident_task "
                + "WHERE incident_id = ? AND id = ?", incidentId, taskId).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("The incident has no task with this id."));
    }

    /** Records (or revises) the post-incident review; each follow-up becomes a task. */
    @Transactional
    public Review review(UUID incidentId, String rootCause, String whatWorked, String prevention, List<NewTask> followUps, Caller by) {
        Incidents.Incident incident = incidents.locked(incidentId);
        requireOpen(incident);
        Instant now = clock.instant();
        boolean revised = review(incidentId).isPresent();
        execute("""
                INSERT INTO incident_review (incident_id, root_cause, what_worked, prevention, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (incident_id) DO UPDATE SET root_cause = excluded.root_cause, what_worked = excluded.what_worked,
                  prevention = excluded.prevention, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at""",
                incidentId, rootCause, whatWorked, prevention, by.userId(), Timestamps.utc(now));
        for (int i = 0; i < followUps.size(); i++) {
            insert(incident, followUps.get(i), "FOLLOW_UP", by, "followUps[" + i + "]");
        }
        incidents.event(incidentId, by, revised ? "review-revised" : "review", "root cause: " + rootCause);
        audit.appendAction(by, "breach.reviewed", "incident", incidentId.toString(), null, Map.of("followUps", Integer.toString(followUps.size())));
        return review(incidentId).orElseThrow();
    }

    public Optional<Review> review(UUID incidentId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT root_cause, what_worked, prevention, recorded_by, recorded_at FROM incident_review WHERE incident_id = ?")) {
            s.setObject(1, incidentId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<Task> followUps = of(incidentId).stream().filter(t -> t.kind().equals("FOLLOW_UP")).toList();
                return Optional.of(new Review(incidentId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                        Timestamps.instant(rs, 5), followUps));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the review could not be read", e);
        }
    }

    /** A task's timer: a reminder a day ahead; at and after the due time the owner and the contacts, daily until it is closed. */
    void onTimer(@Observes TimerDue timer) {
        if (!TASK_TIMER.equals(timer.kind())) {
            return;
        }
        try (Connection c = quaestor.getConnection()) {
            UUID incident;
            String reference;
            String severity;
            String title;
            UUID owner;
            Instant due;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT i.id, i.reference, i.severity, t.title, t.owner_id, t.due_at FROM incident_task t JOIN incident i ON i.id = t.incident_id
                    WHERE t.id = ? AND t.status = 'OPEN'""")) {
                s.setObject(1, timer.refId());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    incident = rs.getObject(1, UUID.class);
                    reference = rs.getString(2);
                    severity = rs.getString(3);
                    title = rs.getString(4);
                    owner = rs.getObject(5, UUID.class);
                    due = Timestamps.instant(rs, 6);
                }
            }
            boolean overdue = !timer.fireAt().isBefore(due);
            notifications.notify(owner, overdue ? "BREACH_TASK_OVERDUE" : "BREACH_TASK_DUE", incident, "Incident " + reference + ": task \""
                    + title + "\" " + (overdue ? "was" : "is") + " due at " + due + ".");
            escalations.queue(c, new Escalations.Alert(incident, reference, severity, null, timer.refId(), "task " + title, due,
                    overdue ? "task overdue" : "task reminder", overdue), owner, overdue);
            if (overdue) {
                timers.schedule(TASK_TIMER, timer.refId(), clock.instant().plus(OVERDUE_EVERY));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the task reminder could not be handled", e);
        }
    }

    private Task insert(Incidents.Incident incident, NewTask task, String kind, Caller by) {
        return insert(incident, task, kind, by, "");
    }

    private Task insert(Incidents.Incident incident, NewTask task, String kind, Caller by, String fieldPrefix) {
        String prefix = fieldPrefix.isEmpty() ? "" : fieldPrefix + ".";
        UUID owner = task.ownerId() == null ? incident.ownerId() : task.ownerId();
        if (!incidents.isActiveStaff(owner)) {
            throw new InvalidInputException(prefix + "ownerId", "The task's owner must be an active staff member.");
        }
        Instant now = clock.instant();
        if (!task.dueAt().isAfter(now)) {
            throw new InvalidInputException(prefix + "dueAt", "A task's due time must be in the future.");
        }
        UUID id = UUID.randomUUID();
        execute("INSERT INTO incident_task (id, incident_id, title, kind, owner_id, due_at, status, created_at, created_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, 'OPEN', ?, ?)", id, incident.id(), task.title(), kind, owner, Timestamps.utc(task.dueAt()),
                Timestamps.utc(now), by.userId());
        Instant remind = task.dueAt().minus(REMIND_BEFORE);
        if (remind.isAfter(now)) {
            timers.schedule(TASK_TIMER, id, remind);
        }
        timers.schedule(TASK_TIMER, id, task.dueAt());
        incidents.event(incident.id(), by, "task", task.title() + " (due " + task.dueAt() + ")");
        audit.appendAction(by, "breach.task-added", "incident", incident.id().toString(), null, Map.of("task", id.toString(), "kind", kind));
        return get(incident.id(), id);
    }

    private static void requireOpen(Incidents.Incident incident) {
        if (incident.status().equals("CLOSED")) {
            throw new StateConflictException("The incident is closed.");
        }
    }

    private List<Task> query(String sql, Object... values) {
        List<Task> tasks = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Statements.bind(s, values);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tasks.add(new Task(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                            rs.getObject(5, UUID.class), Timestamps.instant(rs, 6), rs.getString(7), Timestamps.instant(rs, 8),
                            Timestamps.instant(rs, 9), rs.getString(10)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the tasks could not be read", e);
        }
        return tasks;
    }

    private void execute(String sql, Object... values) {
        Statements.update(quaestor, sql, values);
    }
}
