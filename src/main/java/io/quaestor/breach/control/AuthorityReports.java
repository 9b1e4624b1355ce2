package io.quaestor.breach.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.documents.control.ControllerIdentity;
import io.quaestor.documents.control.PdfDocument;
import io.quaestor.platform.crypto.Digests;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Statements;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
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
 * The Art. 33 notification to the supervisory authority, in phases: an initial report, follow-ups
 * as facts arrive, a final one. Each report is a frozen JSON document with the fields EU
 * regulators' forms ask for (nature and categories of the breach, categories and approximate
 * numbers of data subjects and records, likely consequences, measures taken and proposed, DPO
 * contact, cross-border flag and authorities concerned, the timeline, reasons for any delay past
 * 72 hours), numbered, its SHA-256 sealed into the audit trail; the PDF is rendered from it.
 */
@ApplicationScoped
public class AuthorityReports {

    private static final Duration ART_33_WINDOW = Duration.ofHours(72);

    /** What the responder writes; the rest comes from the incident, its scope and the configuration. */
    public record Draft(String phase, String nature, String likelyConsequences, String measuresTaken, String measuresProposed,
                        boolean crossBorder, List<String> authoritiesConcerned, String leadAuthority, String delayReasons, UUID scopeId,
                        Long subjectsApprox, Long recordsApprox, String subjectCategories) {
    }

    public record Report(UUID id, UUID incidentId, int number, String phase, String sha256, Instant createdAt, UUID createdBy, JsonObject body) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Incidents incidents;

    @Inject
    IncidentScopes scopes;

    @Inject
    UserNotices notices;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    ControllerIdentity controller;




    /**
     * The report as it would be recorded now, as a PDF marked as a preview: checked exactly as
     * {@link #create} checks it, stored nowhere, sealed nowhere, sent to no one.
     */
    @Transactional
    public byte[] preview(UUID incidentId, Draft draft, Caller by) {
        Incidents.Incident incident = incidents.get(incidentId);
        Prepared prepared = prepare(incident, draft);
        return pdf(new Report(null, incidentId, prepared.number(), draft.phase(), null, clock.instant(), by.userId(),
                body(incident, draft, prepared.scope(), prepared.number(), clock.instant(), prepared.late(), by)));
    }

    private record Prepared(int number, boolean late, Optional<IncidentScopes.Stored> scope) {
    }

    private Prepared prepare(Incidents.Incident incident, Draft draft) {
        if (incident.awareAt() == null) {
            throw new StateConflictException("Decide awareness first: the authority report counts its 72 hours from it.");
        }
        List<Report> earlier = of(incident.id());
        requirePhase(draft.phase(), earlier);
        Instant now = clock.instant();
        Instant due = incident.awareAt().plus(ART_33_WINDOW);
        boolean late = earlier.isEmpty() && now.isAfter(due);
        if (late && (draft.delayReasons() == null || draft.delayReasons().isBlank())) {
            throw new InvalidInputException("delayReasons", "This first report comes " + Duration.between(due, now).toHours()
                    + " h after the 72 hours from awareness ran out (" + due + "); Art. 33(1) asks for the reasons for the delay.");
        }
        Optional<IncidentScopes.Stored> scope = draft.scopeId() == null ? scopes.latest(incident.id())
                : Optional.of(scopes.get(incident.id(), draft.scopeId()));
        return new Prepared(earlier.size() + 1, late, scope);
    }

    @Transactional
    public Report create(UUID incidentId, Draft draft, Caller by) {
        Incidents.Incident incident = incidents.locked(incidentId);
        Prepared prepared = prepare(incident, draft);
        Instant now = clock.instant();
        int number = prepared.number();
        JsonObject body = body(incident, draft, prepared.scope(), number, now, prepared.late(), by);
        String text = body.toString();
        String sha256 = Digests.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
        UUID id = UUID.randomUUID();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO authority_report (id, incident_id, number, phase, body, sha256, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setObject(2, incidentId);
            s.setInt(3, number);
            s.setString(4, draft.phase());
            s.setString(5, text);
            s.setString(6, sha256);
            s.setObject(7, Timestamps.utc(now));
            s.setObject(8, by.userId());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the report could not be stored", e);
        }
        incidents.event(incidentId, by, "authority-report", draft.phase() + " report #" + number + " prepared (sha256 " + sha256 + ")");
        audit.appendAction(by, "breach.authority-report", "incident", incidentId.toString(), null, Map.of("number", Integer.toString(number),
                "phase", draft.phase(), "sha256", sha256));
        return get(incidentId, number);
    }

    public List<Report> of(UUID incidentId) {
        return read("SELECT id, incident_id, number, phase, sha256, created_at, created_by, body FROM authority_report WHERE incident_id = ? "
                + "ORDER BY number", incidentId);
    }

    public Report get(UUID incidentId, int number) {
        return read("SELECT id, incident_id, number, phase, sha256, created_at, created_by, body FROM authority_report WHERE incident_id = ? "
                + "AND number = ?", incidentId, number).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("The incident has no authority report #" + number + "."));
    }

    /** The report as a PDF for the authority's portal or mail, rendered from the frozen JSON. */
    public byte[] pdf(Report report) {
        JsonObject b = report.body();
        try (PdfDocument doc = new PdfDocument("Personal data breach notification: " + b.getString("incidentReference"), controller.name(),
                report.createdAt())) {
            doc.heading("Personal data breach notification (GDPR Art. 33)");
            if (report.id() == null) {
                doc.paragraph("PREVIEW: not recorded and not sent. The report is sealed and numbered only when it is recorded.");
            }
            doc.field("Report", b.getString("phase") + " #" + b.getInt("number") + (b.getInt("number") > 1 ? " (supplements earlier reports)" : ""));
            doc.field("Incident", b.getString("incidentReference"));
            doc.field("Prepared", b.getString("preparedAt"));
            doc.field("SHA-256 of the JSON", report.sha256());
            section(doc, b.getJsonObject("controller"), "Controller");
            section(doc, b.getJsonObject("timing"), "Timing");
            section(doc, b.getJsonObject("breach"), "Nature of the breach");
            section(doc, b.getJsonObject("affected"), "Data subjects and records concerned");
            section(doc, b.getJsonObject("assessment"), "Likely consequences and measures");
            if (b.containsKey("communicationToDataSubjects")) {
                JsonObject told = b.getJsonObject("communicationToDataSubjects");
                doc.heading("Communication to data subjects");
                doc.field("Notified", told.getBoolean("notified") ? "yes, " + told.getJsonNumber("noticesSent") + " notices sent" : "not yet");
                if (told.containsKey("decision")) {
                    doc.field("Decision", told.getString("decision") + (told.containsKey("reasonNotNotified")
                            ? ": " + told.getString("reasonNotNotified") : ""));
                }
            }
            section(doc, b.getJsonObject("crossBorder"), "Cross-border processing");
            doc.heading("Timeline");
            b.getJsonArray("timeline").forEach(e -> {
                JsonObject event = e.asJsonObject();
                doc.bullet(event.getString("at") + "  " + event.getString("action") + ": " + event.getString("detail", ""));
            });
            doc.heading("Notification obligations");
            b.getJsonArray("obligations").forEach(o -> {
                JsonObject ob = o.asJsonObject();
                doc.bullet(ob.getString("code") + " (" + ob.getString("regime") + "): " + ob.getString("status")
                        + (ob.containsKey("dueAt") ? ", due " + ob.getString("dueAt") : ""));
            });
            return doc.toBytes();
        }
    }

    private static void section(PdfDocument doc, JsonObject section, String title) {
        doc.heading(title);
        section.forEach((key, value) -> doc.field(label(key), text(value)));
    }

    private static String label(String key) {
        return Character.toUpperCase(key.charAt(0)) + key.substring(1).replaceAll("([A-Z])", " $1").toLowerCase(java.util.Locale.ROOT);
    }

    private static String text(JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> ((jakarta.json.JsonString) value).getString();
            case ARRAY -> String.join(", ", value.asJsonArray().stream().map(AuthorityReports::text).toList());
            case NULL -> "not known yet";
            default -> value.toString();
        };
    }

    private static void requirePhase(String phase, List<Report> earlier) {
        if (earlier.stream().anyMatch(r -> r.phase().equals("FINAL"))) {
            throw new StateConflictException("The final report was made; nothing follows it.");
        }
        if (earlier.isEmpty() && !phase.equals("INITIAL")) {
            throw new InvalidInputException("phase", "The first report to the authority is the INITIAL one.");
        }
        if (!earlier.isEmpty() && phase.equals("INITIAL")) {
            throw new InvalidInputException("phase", "The initial report was made; later ones are FOLLOW_UP or FINAL.");
        }
    }

    private JsonObject body(Incidents.Incident incident, Draft d, Optional<IncidentScopes.Stored> scope, int number, Instant now, boolean late,
                            Caller by) {
        JsonObjectBuilder affected = Json.createObjectBuilder()
                .add("categoriesOfDataSubjects", d.subjectCategories() == null || d.subjectCategories().isBlank()
                        ? "Users of the gateway's customers (account holders)" : d.subjectCategories())
                .add("categoriesOfPersonalData", scope.map(IncidentScopes.Stored::categoriesText).orElse(incident.categories()));
        Long subjects = d.subjectsApprox() != null ? d.subjectsApprox() : scope.map(IncidentScopes.Stored::subjects).orElse(null);
        Long records = d.recordsApprox() != null ? d.recordsApprox() : scope.map(IncidentScopes.Stored::records).orElse(null);
        addNumber(affected, "approximateNumberOfDataSubjects", subjects);
        addNumber(affected, "approximateNumberOfRecords", records);
        affected.add("numbersSource", d.subjectsApprox() != null || d.recordsApprox() != null ? "responder's estimate"
                : scope.map(s -> "computed from the stores at " + s.computedAt() + " (scope " + s.id() + ")").orElse("not yet computed"));
        JsonArrayBuilder authorities = Json.createArrayBuilder();
        d.authoritiesConcerned().forEach(authorities::add);
        JsonArrayBuilder timeline = Json.createArrayBuilder();
        incident.timeline().forEach(e -> timeline.add(Json.createObjectBuilder().add("at", e.at().toString()).add("actor", e.actor())
                .add("action", e.action()).add("detail", e.detail() == null ? "" : e.detail())));
        JsonArrayBuilder obligations = Json.createArrayBuilder();
        incident.obligations().forEach(o -> {
            JsonObjectBuilder ob = Json.createObjectBuilder().add("code", o.code()).add("regime", o.regime()).add("recipient", o.recipient())
                    .add("status", o.status());
            if (o.dueAt() != null) {
                ob.add("dueAt", o.dueAt().toString());
            }
            obligations.add(ob);
        });
        Instant due = incident.awareAt().plus(ART_33_WINDOW);
        return Json.createObjectBuilder()
                .add("format", "quaestor.authority-report/1")
                .add("incidentReference", incident.reference())
                .add("number", number)
                .add("phase", d.phase())
                .add("preparedAt", now.toString())
                .add("preparedBy", by.userId().toString())
                .add("controller", Json.createObjectBuilder().add("name", controller.name()).add("contact", controller.contact())
                        .add("dataProtectionOfficer", controller.dpo()))
                .add("timing", Json.createObjectBuilder().add("occurredAt", incident.occurredAt().toString())
                        .add("detectedAt", incident.detectedAt().toString()).add("awareAt", incident.awareAt().toString())
                        .add("deadline", due.toString()).add("withinSeventyTwoHours", !late)
                        .add("reasonsForDelay", late ? d.delayReasons() : "")
                        .add("ongoing", !incident.status().equals("RESOLVED") && !incident.status().equals("CLOSED")))
                .add("breach", Json.createObjectBuilder().add("title", incident.title()).add("type", incident.type())
                        .add("severity", incident.severity()).add("nature", d.nature()).add("description", incident.description())
                        .add("systems", incident.systems()).add("status", incident.status()))
                .add("affected", affected)
                .add("assessment", Json.createObjectBuilder().add("likelyConsequences", d.likelyConsequences())
                        .add("measuresTaken", d.measuresTaken()).add("measuresProposed", d.measuresProposed()))
                .add("communicationToDataSubjects", communication(incident))
                .add("crossBorder", Json.createObjectBuilder().add("crossBorder", d.crossBorder())
                        .add("leadAuthority", d.leadAuthority() == null ? "" : d.leadAuthority()).add("authoritiesConcerned", authorities)
                        .add("regions", incident.regions()))
                .add("timeline", timeline)
                .add("obligations", obligations)
                .build();
    }

    /** Art. 33(3)/34: whether and how the subjects were told, from the notice campaigns and the users' obligation's decision. */
    private JsonObject communication(Incidents.Incident incident) {
        JsonArrayBuilder campaigns = Json.createArrayBuilder();
        long sent = 0;
        for (UserNotices.Campaign c : notices.of(incident.id())) {
            sent += c.sent();
            JsonObjectBuilder campaign = Json.createObjectBuilder().add("startedAt", c.createdAt().toString()).add("status", c.status())
                    .add("language", c.language()).add("sent", c.sent()).add("undeliverable", c.gaveUp() + c.noAddress());
            if (c.finishedAt() != null) {
                campaign.add("finishedAt", c.finishedAt().toString());
            }
            campaigns.add(campaign);
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("notified", sent > 0).add("noticesSent", sent).add("campaigns", campaigns);
        incident.obligations().stream().filter(o -> o.recipient().equals("Affected users")).findFirst().ifPresent(o -> {
            b.add("decision", o.status());
            if (o.waivedReason() != null) {
                b.add("reasonNotNotified", o.waivedReason());
            }
        });
        return b.build();
    }

    private static void addNumber(JsonObjectBuilder b, String key, Long value) {
        if (value == null) {
            b.addNull(key);
        } else {
            b.add(key, value);
        }
    }

    private List<Report> read(String sql, Object... values) {
        List<Report> reports = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Statements.bind(s, values);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reports.add(new Report(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getInt(3), rs.getString(4),
                            rs.getString(5), Timestamps.instant(rs, 6), rs.getObject(7, UUID.class),
                            Json.createReader(new StringReader(rs.getString(8))).readObject()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the reports could not be read", e);
        }
        return reports;
    }
}
