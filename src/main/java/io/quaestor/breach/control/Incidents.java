package io.quaestor.breach.control;

import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.breach.entity.Severity;
import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Statements;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.platform.timers.DeadlineTimers;
import io.quaestor.platform.timers.TimerDue;
import io.quaestor.security.control.Caller;
import io.quaestor.security.entity.Role;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Incidents and their obligations. Reporting one derives its obligations from the breach clock
 * and schedules durable reminders for each (at 50, 75 and 90 % of its window, at the deadline,
 * then hourly while it is overdue), which fire once across instances and survive restarts.
 * Awareness is a responder's explicit decision; a severity change needs a reason and moves the
 * severity SLA; an incident closes only when no obligation is left undecided. Every change is on
 * the incident's timeline and in the audit trail.
 */
@ApplicationScoped
public class Incidents {

    static final String REMINDER = "BREACH_OBLIGATION";
    private static final List<String> FLOW = List.of("OPEN", "CONTAINED", "RESOLVED", "CLOSED");

    /** What a responder reports. */
    public record Report(String title, String description, String type, Severity severity, boolean nis2, Instant occurredAt,
                         Instant detectedAt, Instant awareAt, UUID ownerId, String systems, String categories, String tenants,
                         String regions) {
    }

    public record Obligation(UUID id, String code, String regime, String recipient, String kind, Instant dueAt, String status,
                             Instant metAt, String evidence, String waivedReason) {
    }

    public record Event(Instant at, String actor, String action, String detail) {
    }

    public record Incident(UUID id, String reference, String title, String description, String type, String severity, String status,
                           boolean nis2, UUID reportedBy, UUID ownerId, Instant occurredAt, Instant detectedAt, Instant awareAt,
                           UUID awareDecidedBy, String systems, String categories, String tenants, String regions,
                           String ruleSetVersion, Instant createdAt, Instant closedAt, List<Obligation> obligations, List<Event> timeline) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    DeadlineTimers timers;

    @Inject
    StaffNotifications notifications;

    @Inject
    AuditLog audit;

    @Inject
    Escalations escalations;

    @Inject
    @ConfigProperty(name = "quaestor.breach.overdue-every", defaultValue = "PT1H")
    Duration overdueEvery;

    /** Reminders, as percentages of each obligation's window. */
    @Inject
    @ConfigProperty(name = "quaestor.breach.remind-at", defaultValue = "50,75,90")
    List<Integer> remindAt;

    /** From this percentage of the window on, reminders go to the escalation contacts too. */
    @Inject
    @ConfigProperty(name = "quaestor.breach.escalate-from", defaultValue = "90")
    int escalateFromPercent;

    @Inject
    Clock clock;

    private final BreachClock breachClock = BreachClock.shipped();

    @Transactional
    public Incident report(Report r, Caller by) {
        Instant now = clock.instant();
        if (r.detectedAt().isBefore(r.occurredAt())) {
            throw new InvalidInputException("detectedAt", "detectedAt cannot be before occurredAt.");
        }
        if (r.detectedAt().isAfter(now) || r.occurredAt().isAfter(now)) {
            throw new InvalidInputException(r.occurredAt().isAfter(now) ? "occurredAt" : "detectedAt", "Times cannot be in the future.");
        }
        if (r.awareAt() != null) {
            requireAwareness(r.awareAt(), r.occurredAt(), now);
        }
        UUID id = UUID.randomUUID();
        String reference = reference(now);
        UUID owner = r.ownerId() == null ? by.userId() : r.ownerId();
        if (!isActiveStaff(owner)) {
            throw new InvalidInputException("ownerId", "The owner must be an active staff member.");
        }
        execute("""
                INSERT INTO incident (id, reference, title, description, type, severity, status, nis2, reported_by, owner_id, occurred_at,
                  detected_at, aware_at, aware_decided_by, aware_decided_at, systems, categories, tenants, regions, rule_set_version, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, reference, r.title(), r.description(), r.type(), r.severity().name(), r.nis2(), by.userId(), owner, Timestamps.utc(r.occurredAt()),
                Timestamps.utc(r.detectedAt()), Timestamps.utc(r.awareAt()), r.awareAt() == null ? null : by.userId(), r.awareAt() == null ? null : Timestamps.utc(now),
                nz(r.systems()), nz(r.categories()), nz(r.tenants()), nz(r.regions()), breachClock.version(), Timestamps.utc(now));
        event(id, by, "reported", r.severity() + " " + r.type().toLowerCase(Locale.ROOT) + " breach");
        if (r.awareAt() != null) {
            event(id, by, "aware", "aware since " + r.awareAt());
        }
        derive(id, new BreachClock.Facts(r.detectedAt(), r.awareAt(), r.severity(), r.nis2()), null);
        audit.appendAction(by, "breach.reported", "incident", id.toString(), null, Map.of("reference", reference,
                "severity", r.severity().name()));
        return get(id);
    }

    /** The responder's explicit decision that a personal-data breach is known, as of a moment; starts the authority clock. */
    @Transactional
    public Incident decideAwareness(UUID id, Instant awareAt, Caller by) {
        Incident incident = locked(id);
        if (incident.awareAt() != null) {
            throw new StateConflictException("Awareness was already decided (" + incident.awareAt() + "); it cannot be moved.");
        }
        requireAwareness(awareAt, incident.occurredAt(), clock.instant());
        execute("UPDATE incident SET aware_at = ?, aware_decided_by = ?, aware_decided_at = ? WHERE id = ?", Timestamps.utc(awareAt), by.userId(),
                Timestamps.utc(clock.instant()), id);
        event(id, by, "aware", "aware since " + awareAt);
        derive(id, new BreachClock.Facts(incident.detectedAt(), awareAt, Severity.valueOf(incident.severity()), incident.nis2()), null);
        audit.appendAction(by, "breach.aware", "incident", id.toString(), null, Map.of("awareAt", awareAt.toString()));
        return get(id);
    }

    /** A new severity, with its reason: the SLA obligations of the old one are waived, the new one's counted from detection. */
    @Transactional
    public Incident changeSeverity(UUID id, Severity severity, String reason, Caller by) {
        Incident incident = locked(id);
        if (incident.severity().equals(severity.name())) {
            throw new StateConflictException("The incident is already " + severity + ".");
        }
        execute("UPDATE incident SET severity = ? WHERE id = ?", severity.name(), id);
        event(id, by, "severity", incident.severity() + " -> " + severity + ": " + reason);
        derive(id, new BreachClock.Facts(incident.detectedAt(), incident.awareAt(), severity, incident.nis2()),
                "severity changed to " + severity + ": " + reason);
        audit.appendAction(by, "breach.severity-changed", "incident", id.toString(), null, Map.of("from", incident.severity(),
                "to", severity.name()));
        return get(id);
    }

    /** Moves the incident along open, contained, resolved, closed; closing needs every obligation met or waived. */
    @Transactional
    public Incident move(UUID id, String status, Caller by) {
        Incident incident = locked(id);
        int from = FLOW.indexOf(incident.status());
        int to = FLOW.indexOf(status);
        if (to <= from) {
            throw new StateConflictException("An incident that is " + incident.status() + " cannot become " + status + ".");
        }
        if (status.equals("CLOSED")) {
            List<String> open = incident.obligations().stream().filter(o -> o.status().equals("PENDING") || o.status().equals("MISSED"))
                    .map(Obligation::code).toList();
            if (!open.isEmpty()) {
                throw new StateConflictException("Obligations are still open: " + String.join(", ", open)
                        + ". Record how each was met, or waive it with the reason (the register keeps it).");
            }
            requireClosable(incident);
        }
        execute("UPDATE incident SET status = ?, closed_at = ? WHERE id = ?", status, status.equals("CLOSED") ? Timestamps.utc(clock.instant()) : null, id);
        event(id, by, "status", incident.status() + " -> " + status);
        audit.appendAction(by, "breach.status", "incident", id.toString(), null, Map.of("to", status));
        return get(id);
    }

    /** Keeps a computed scope with the incident, on its timeline and in the trail. */
    @Transactional
    public UUID recordScope(UUID incidentId, String description, String result, long subjects, long records, Caller by) {
        locked(incidentId);
        UUID id = UUID.randomUUID();
        execute("INSERT INTO incident_scope (id, incident_id, description, result, subjects, records, computed_at, computed_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, incidentId, description, result, subjects, records, Timestamps.utc(clock.instant()),
                by.userId());
        event(incidentId, by, "scope", subjects + " subjects, " + records + " records");
        audit.appendAction(by, "breach.scope-computed", "incident", incidentId.toString(), null, Map.of("scope", id.toString(),
                "subjects", Long.toString(subjects), "records", Long.toString(records)));
        return id;
    }

    /** Quaestor itself met an obligation (a notice campaign finished): recorded like a responder's, with Quaestor as the actor. */
    @Transactional
    public void meetBySystem(UUID incidentId, String code, String evidence) {
        Instant now = clock.instant();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE obligation SET status = 'MET', met_at = ?, evidence = ?, decided_at = ? WHERE incident_id = ? AND code = ?
                  AND status IN ('PENDING', 'MISSED') RETURNING due_at""")) {
            s.setObject(1, Timestamps.utc(now));
            s.setString(2, evidence);
            s.setObject(3, Timestamps.utc(now));
            s.setObject(4, incidentId);
            s.setString(5, code);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                Instant due = Timestamps.instant(rs, 1);
                boolean late = due != null && now.isAfter(due);
                execute("INSERT INTO incident_event (id, incident_id, at, actor, action, detail) VALUES (?, ?, ?, 'quaestor', 'met', ?)",
                        UUID.randomUUID(), incidentId, Timestamps.utc(now), code + (late ? " (late)" : "") + ": " + evidence);
                audit.appendAction(null, "breach.obligation-met", "incident", incidentId.toString(), null, Map.of("obligation", code,
                        "late", Boolean.toString(late)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the obligation could not be updated", e);
        }
    }

    /** Response tasks must be done or cancelled (follow-ups may outlive the incident); Critical and High need their review. */
    private void requireClosable(Incident incident) {
        try (Connection c = quaestor.getConnection()) {
            List<String> open = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT title FROM incident_task WHERE incident_id = ? AND kind = 'RESPONSE' AND status = 'OPEN' ORDER BY due_at")) {
                s.setObject(1, incident.id());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        open.add(rs.getString(1));
                    }
                }
            }
            if (!open.isEmpty()) {
                throw new StateConflictException("Response tasks are still open: " + String.join("; ", open) + ".");
            }
            boolean needsReview = incident.severity().equals("CRITICAL") || incident.severity().equals("HIGH");
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM incident_review WHERE incident_id = ?")) {
                s.setObject(1, incident.id());
                try (ResultSet rs = s.executeQuery()) {
                    if (needsReview && !rs.next()) {
                        throw new StateConflictException("A " + incident.severity() + " incident closes after its post-incident review "
                                + "(root cause, prevention) is recorded.");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the incident could not be read", e);
        }
    }

    /** Records how an obligation was met (a late one stays visibly late: its time is kept). */
    @Transactional
    public Incident meet(UUID id, String code, String evidence, Caller by) {
        decide(id, code, by, "MET", evidence, null);
        return get(id);
    }

    /** Decides not to fulfil an obligation (for example no risk to users: no user notice), with the reason. */
    @Transactional
    public Incident waive(UUID id, String code, String reason, Caller by) {
        decide(id, code, by, "WAIVED", null, reason);
        return get(id);
    }

    private void decide(UUID id, String code, Caller by, String status, String evidence, String reason) {
        Incident incident = locked(id);
        Obligation o = incident.obligations().stream().filter(x -> x.code().equals(code)).findFirst()
                .orElseThrow(() -> new NotFoundException("The incident has no obligation " + code + "."));
        if (!o.status().equals("PENDING") && !o.status().equals("MISSED")) {
            throw new StateConflictException("Obligation " + code + " is already " + o.status() + ".");
        }
        Instant now = clock.instant();
        execute("UPDATE obligation SET status = ?, met_at = ?, evidence = ?, waived_reason = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                status, status.equals("MET") ? Timestamps.utc(now) : null, evidence, reason, by.userId(), Timestamps.utc(now), o.id());
        boolean late = status.equals("MET") && o.dueAt() != null && now.isAfter(o.dueAt());
        event(id, by, status.equals("MET") ? "met" : "waived", code + (late ? " (late)" : "") + ": " + (evidence != null ? evidence : reason));
        audit.appendAction(by, "breach.obligation-" + status.toLowerCase(Locale.ROOT), "incident", id.toString(), null,
                Map.of("obligation", code, "late", Boolean.toString(late)));
    }

    /** The obligations the facts call for now: new ones added, deadlines of pending ones updated, ones no longer due waived. */
    private void derive(UUID id, BreachClock.Facts facts, String supersededBecause) {
        List<BreachClock.Due> due = breachClock.obligations(facts);
        Set<String> wanted = new java.util.HashSet<>();
        for (BreachClock.Due d : due) {
            wanted.add(d.rule().code());
            UUID obligation = upsert(id, d);
            if (d.dueAt() != null) {
                schedule(obligation, facts, d);
            }
        }
        if (supersededBecause != null) {
            execute("UPDATE obligation SET status = 'WAIVED', waived_reason = ?, decided_at = ? WHERE incident_id = ? AND status = 'PENDING' "
                    + "AND NOT (code = ANY(?))", supersededBecause, Timestamps.utc(clock.instant()), id, wanted.toArray(new String[0]));
        }
    }

    private UUID upsert(UUID incident, BreachClock.Due d) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO obligation (id, incident_id, code, regime, recipient, kind, due_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')
                ON CONFLICT (incident_id, code) DO UPDATE SET due_at = excluded.due_at,
                  status = CASE WHEN obligation.status = 'WAIVED' AND obligation.decided_by IS NULL THEN 'PENDING' ELSE obligation.status END
                RETURNING id""")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, incident);
            s.setString(3, d.rule().code());
            s.setString(4, d.rule().regime());
            s.setString(5, d.rule().recipient());
            s.setString(6, d.rule().kind());
            s.setObject(7, Timestamps.utc(d.dueAt()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the obligation could not be stored", e);
        }
    }

    /** Reminders at {@code quaestor.breach.remind-at} percent of the window from the anchor, and at the deadline. */
    private void schedule(UUID obligation, BreachClock.Facts facts, BreachClock.Due d) {
        Instant anchor = d.rule().anchor() == BreachClock.Anchor.DETECTED ? facts.detectedAt() : facts.awareAt();
        Instant now = clock.instant();
        for (int percent : remindAt) {
            Instant at = BreachClock.pointInWindow(anchor, d.dueAt(), percent);
            if (at.isAfter(now)) {
                timers.schedule(REMINDER, obligation, at);
            }
        }
        timers.schedule(REMINDER, obligation, d.dueAt().isAfter(now) ? d.dueAt() : now);
    }

    /**
     * A reminder fires: before the deadline the owner is told (in Quaestor, and by email when the
     * owner has an address); from 90 % of the window the escalation contacts too. At and after
     * the deadline the obligation is marked missed, every responder and every contact is told,
     * and the alarm repeats every {@code quaestor.breach.overdue-every} until it is decided. One
     * connection and no row lock: on the timer's thread a second connection of the same
     * transaction would wait on the first (see docs/threat-model.md).
     */
    void onTimer(@Observes TimerDue timer) {
        if (!REMINDER.equals(timer.kind())) {
            return;
        }
        try (Connection c = quaestor.getConnection()) {
            Reminded r = reminded(c, timer.refId());
            if (r == null || r.due() == null || !(r.status().equals("PENDING") || r.status().equals("MISSED"))) {
                return;
            }
            Instant now = clock.instant();
            if (timer.fireAt().isBefore(r.due())) {
                int percent = percentOfWindow(r, timer.fireAt());
                notifications.notify(r.owner(), "BREACH_DUE", r.incident(), "Incident " + r.reference() + ": " + r.code() + " is due at "
                        + r.due() + " (" + Duration.between(now, r.due()).toMinutes() + " min left).");
                escalations.queue(c, alert(r, percent + "%", false), r.owner(), percent >= escalateFromPercent);
                return;
            }
            boolean first = markMissed(c, r, now);
            if (first) {
                audit.appendAction(null, "breach.obligation-missed", "incident", r.incident().toString(), null,
                        Map.of("obligation", r.code(), "dueAt", r.due().toString()));
            }
            notifications.notifyRole(Role.Names.INCIDENT_RESPONDER, "BREACH_OVERDUE", r.incident(), "Overdue: incident " + r.reference()
                    + ", " + r.code() + " was due at " + r.due() + ".");
            escalations.queue(c, alert(r, first ? "deadline" : "overdue " + Duration.between(r.due(), timer.fireAt()).toHours() + "h", true),
                    r.owner(), true);
            timers.schedule(REMINDER, timer.refId(), now.plus(overdueEvery));
        } catch (SQLException e) {
            throw new IllegalStateException("the obligation reminder could not be handled", e);
        }
    }

    private record Reminded(UUID obligation, String code, Instant due, String status, UUID incident, String reference, UUID owner, String severity,
                            Instant detectedAt, Instant awareAt) {
    }

    private static Reminded reminded(Connection c, UUID obligation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT o.code, o.due_at, o.status, i.id, i.reference, i.owner_id, i.severity, i.detected_at, i.aware_at
                FROM obligation o JOIN incident i ON i.id = o.incident_id WHERE o.id = ?""")) {
            s.setObject(1, obligation);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Reminded(obligation, rs.getString(1), Timestamps.instant(rs, 2), rs.getString(3), rs.getObject(4, UUID.class), rs.getString(5),
                        rs.getObject(6, UUID.class), rs.getString(7), Timestamps.instant(rs, 8), Timestamps.instant(rs, 9));
            }
        }
    }

    private int percentOfWindow(Reminded r, Instant at) {
        BreachClock.Anchor anchor = breachClock.rules().stream().filter(rule -> rule.code().equals(r.code())).findFirst()
                .map(BreachClock.Rule::anchor).orElse(BreachClock.Anchor.DETECTED);
        Instant from = anchor == BreachClock.Anchor.AWARE && r.awareAt() != null ? r.awareAt() : r.detectedAt();
        return BreachClock.percentOfWindow(from, r.due(), at);
    }

    private static Escalations.Alert alert(Reminded r, String stage, boolean overdue) {
        return new Escalations.Alert(r.incident(), r.reference(), r.severity(), r.obligation(), null, "obligation " + r.code(), r.due(),
                stage, overdue);
    }

    /** @return whether this firing is the one that found the obligation still pending at its deadline */
    private boolean markMissed(Connection c, Reminded r, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE obligation SET status = 'MISSED' WHERE id = ? AND status = 'PENDING'")) {
            s.setObject(1, r.obligation());
            if (s.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement e = c.prepareStatement("INSERT INTO incident_event (id, incident_id, at, actor, action, detail) "
                + "VALUES (?, ?, ?, 'quaestor', 'missed', ?)")) {
            e.setObject(1, UUID.randomUUID());
            e.setObject(2, r.incident());
            e.setObject(3, Timestamps.utc(now));
            e.setString(4, r.code() + " was due at " + r.due());
            e.executeUpdate();
        }
        return true;
    }

    /** The Art. 33(5) register: every incident, notified or not, newest first, with each obligation's decision. */
    public List<Incident> register() {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id FROM incident ORDER BY detected_at DESC");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the register could not be read", e);
        }
        return ids.stream().map(this::get).toList();
    }

    public Incident get(UUID id) {
        return read(id, false);
    }

    public boolean exists(UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM incident WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the incident could not be read", e);
        }
    }

    Incident locked(UUID id) {
        return read(id, true);
    }

    private Incident read(UUID id, boolean lock) {
        try (Connection c = quaestor.getConnection()) {
            Incident base;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, reference, title, description, type, severity, status, nis2, reported_by, owner_id, occurred_at, detected_at,
                      aware_at, aware_decided_by, systems, categories, tenants, regions, rule_set_version, created_at, closed_at
                    FROM incident WHERE id = ?""" + (lock ? " FOR UPDATE" : ""))) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("No incident has this id.");
                    }
                    base = new Incident(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getObject(9, UUID.class), rs.getObject(10, UUID.class),
                            Timestamps.instant(rs, 11), Timestamps.instant(rs, 12), Timestamps.instant(rs, 13), rs.getObject(14, UUID.class), rs.getString(15),
                            rs.getString(16), rs.getString(17), rs.getString(18), rs.getString(19), Timestamps.instant(rs, 20), Timestamps.instant(rs, 21),
                            List.of(), List.of());
                }
            }
            List<Obligation> obligations = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, code, regime, recipient, kind, due_at, status, met_at, evidence, "
                    + "waived_reason FROM obligation WHERE incident_id = ? ORDER BY due_at NULLS LAST, code")) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        obligations.add(new Obligation(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), Timestamps.instant(rs, 6), rs.getString(7), Timestamps.instant(rs, 8), rs.getString(9), rs.getString(10)));
                    }
                }
            }
            List<Event> timeline = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT at, actor, action, detail FROM incident_event WHERE incident_id = ? ORDER BY at, id")) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        timeline.add(new Event(Timestamps.instant(rs, 1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return new Incident(base.id(), base.reference(), base.title(), base.description(), base.type(), base.severity(), base.status(),
                    base.nis2(), base.reportedBy(), base.ownerId(), base.occurredAt(), base.detectedAt(), base.awareAt(), base.awareDecidedBy(),
                    base.systems(), base.categories(), base.tenants(), base.regions(), base.ruleSetVersion(), base.createdAt(),
                    base.closedAt(), obligations, timeline);
        } catch (SQLException e) {
            throw new IllegalStateException("the incident could not be read", e);
        }
    }

    boolean isActiveStaff(UUID userId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM staff_user WHERE id = ? AND active")) {
            s.setObject(1, userId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("staff could not be read", e);
        }
    }

    private static void requireAwareness(Instant awareAt, Instant occurredAt, Instant now) {
        if (awareAt.isBefore(occurredAt)) {
            throw new InvalidInputException("awareAt", "awareAt cannot be before occurredAt: nobody can be aware of a breach before it happens.");
        }
        if (awareAt.isAfter(now)) {
            throw new InvalidInputException("awareAt", "awareAt cannot be in the future.");
        }
    }

    void event(UUID incident, Caller by, String action, String detail) {
        execute("INSERT INTO incident_event (id, incident_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)", UUID.randomUUID(),
                incident, Timestamps.utc(clock.instant()), by.userId().toString(), action, detail);
    }

    private String reference(Instant now) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("SELECT nextval('incident_reference_seq')");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return String.format(Locale.ROOT, "INC-%d-%04d", Year.from(now.atZone(ZoneOffset.UTC)).getValue(), rs.getLong(1));
        } catch (SQLException e) {
            throw new IllegalStateException("no incident reference", e);
        }
    }

    private void execute(String sql, Object... values) {
        Statements.update(quaestor, sql, values);
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }


}
