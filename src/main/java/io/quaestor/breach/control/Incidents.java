package io.quaestor.breach.control;

import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.breach.entity.Severity;
import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.persistence.Datasources;
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
    private static final double[] REMIND_AT = {0.5, 0.75, 0.9};
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
        }
        execute("UPDATE incident SET status = ?, closed_at = ? WHERE id = ?", status, status.equals("CLOSED") ? Timestamps.utc(clock.instant()) : null, id);
        event(id, by, "status", incident.status() + " -> " + status);
        audit.appendAction(by, "breach.status", "incident", id.toString(), null, Map.of("to", status));
        return get(id);
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

    /** Reminders at 50, 75 and 90 % of the window from the anchor, and at the deadline. */
    private void schedule(UUID obligation, BreachClock.Facts facts, BreachClock.Due d) {
        Instant anchor = d.rule().anchor() == BreachClock.Anchor.DETECTED ? facts.detectedAt() : facts.awareAt();
        Duration window = Duration.between(anchor, d.dueAt());
        Instant now = clock.instant();
        for (double share : REMIND_AT) {
            Instant at = anchor.plus(Duration.ofMillis((long) (window.toMillis() * share)));
            if (at.isAfter(now)) {
                timers.schedule(REMINDER, obligation, at);
            }
        }
        timers.schedule(REMINDER, obligation, d.dueAt().isAfter(now) ? d.dueAt() : now);
    }

    /**
     * A reminder fires: the owner is told while time remains; at and after the deadline the
     * obligation is marked missed and every responder is told, hourly until it is decided. One
     * connection and no row lock: on the timer's thread a second connection of the same
     * transaction would wait on the first (see docs/threat-model.md).
     */
    void onTimer(@Observes TimerDue timer) {
        if (!REMINDER.equals(timer.kind())) {
            return;
        }
        try (Connection c = quaestor.getConnection()) {
            String code;
            OffsetDateTime due;
            String status;
            UUID incident;
            String reference;
            UUID owner;
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT o.code, o.due_at, o.status, i.id, i.reference, i.owner_id FROM obligation o JOIN incident i ON i.id = o.incident_id
                    WHERE o.id = ?""")) {
                s.setObject(1, timer.refId());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    code = rs.getString(1);
                    due = rs.getObject(2, OffsetDateTime.class);
                    status = rs.getString(3);
                    incident = rs.getObject(4, UUID.class);
                    reference = rs.getString(5);
                    owner = rs.getObject(6, UUID.class);
                }
            }
            if (due == null || !(status.equals("PENDING") || status.equals("MISSED"))) {
                return;
            }
            Instant now = clock.instant();
            if (now.isBefore(due.toInstant())) {
                notifications.notify(owner, "BREACH_DUE", incident, "Incident " + reference + ": " + code + " is due at " + due.toInstant()
                        + " (" + Duration.between(now, due.toInstant()).toMinutes() + " min left).");
                return;
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE obligation SET status = 'MISSED' WHERE id = ? AND status = 'PENDING'")) {
                s.setObject(1, timer.refId());
                if (s.executeUpdate() == 1) {
                    try (PreparedStatement e = c.prepareStatement("INSERT INTO incident_event (id, incident_id, at, actor, action, detail) "
                            + "VALUES (?, ?, ?, 'quaestor', 'missed', ?)")) {
                        e.setObject(1, UUID.randomUUID());
                        e.setObject(2, incident);
                        e.setObject(3, Timestamps.utc(now));
                        e.setString(4, code + " was due at " + due.toInstant());
                        e.executeUpdate();
                    }
                }
            }
            notifications.notifyRole(Role.Names.INCIDENT_RESPONDER, "BREACH_OVERDUE", incident, "Overdue: incident " + reference
                    + ", " + code + " was due at " + due.toInstant() + ".");
            timers.schedule(REMINDER, timer.refId(), now.plus(Duration.ofHours(1)));
        } catch (SQLException e) {
            throw new IllegalStateException("the obligation reminder could not be handled", e);
        }
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

    private Incident locked(UUID id) {
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

    private boolean isActiveStaff(UUID userId) {
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

    private void event(UUID incident, Caller by, String action, String detail) {
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
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof String[] array) {
                    s.setArray(i + 1, c.createArrayOf("text", array));
                } else {
                    s.setObject(i + 1, values[i]);
                }
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the incident could not be updated", e);
        }
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }


}
