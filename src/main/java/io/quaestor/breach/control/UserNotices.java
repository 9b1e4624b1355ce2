package io.quaestor.breach.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.documents.control.ControllerIdentity;
import io.quaestor.datamap.control.SubjectQueries;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.Statements;
import io.quaestor.platform.persistence.LocalTransaction;
import io.quaestor.platform.persistence.Timestamps;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.security.control.Caller;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * User-notice campaigns. A responder starts one from a computed scope with the notice's fields
 * (what happened, remediation, prevention, what users can do) and a language; the text is the
 * shipped template of that language or the responder's own, checked before anything is stored.
 * Recipients are then enumerated from the stores in keyset pages by whichever instance holds
 * the campaign's heartbeat (a stale heartbeat is taken over, resuming after the last key
 * stored), and each recipient gets a delivery row that the notice outbox mails once. The
 * address is read from the store when the notice is sent; Quaestor keeps only the subject's
 * key. When every recipient is settled the campaign is done and the obligation it fulfils
 * (by default {@code users-24h}) is met with the campaign's figures as evidence.
 */
@ApplicationScoped
public class UserNotices {

    private static final int PAGE = 1_000;
    private static final Map<String, String> REQUIRED = Map.of("whatHappened", "what happened", "remediation",
            "the remediation taken", "prevention", "the measures against recurrence");

    private static final java.util.Set<String> RESPONDER_FIELDS = java.util.Set.of("whatHappened", "remediation", "prevention",
            "whatYouCanDo");

    public record Campaign(UUID id, UUID incidentId, UUID scopeId, String status, String language, long enqueued, long sent, long noAddress,
                           long failing, long gaveUp, Instant createdAt, Instant enumeratedAt, Instant finishedAt) {
    }

    public record Failure(String subjectKey, int attempts, String outcome, String lastError) {
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    Incidents incidents;

    @Inject
    BreachScope scope;

    @Inject
    IncidentScopes scopes;

    @Inject
    DataMaps dataMaps;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    ControllerIdentity controller;

    @Inject
    @ConfigProperty(name = "quaestor.breach.notices.meets", defaultValue = "users-24h")
    String obligationMet;




    @Inject
    @ConfigProperty(name = "quaestor.breach.notices.stale-after", defaultValue = "PT30S")
    Duration staleAfter;

    /** The notice one subject would receive: subject line and body, rendered exactly as the campaign would. */
    public record Preview(String language, String subject, String body) {
    }

    public Preview preview(UUID incidentId, UUID scopeId, Map<String, String> fields, String language, Map<String, String> templates) {
        Incidents.Incident incident = incidents.get(incidentId);
        IncidentScopes.Stored stored = scopes.get(incidentId, scopeId);
        JsonObject checked = checked(fields, language, templates);
        NoticeTemplates.Template template = NoticeTemplates.parse(language, checked.getString(language), "templates." + language);
        Map<String, String> values = new java.util.HashMap<>();
        values(incident, stored, fields, language).forEach((k, v) -> values.put(k, ((jakarta.json.JsonString) v).getString()));
        return new Preview(language, template.renderSubject(values), template.render(values));
    }

    /** Starts a campaign; every field and template is checked first, so a refused request stores nothing. */
    @Transactional
    public Campaign start(UUID incidentId, UUID scopeId, Map<String, String> fields, String language, Map<String, String> templates,
                          Caller by) {
        Incidents.Incident incident = incidents.locked(incidentId);
        if (incident.status().equals("CLOSED")) {
            throw new StateConflictException("The incident is closed.");
        }
        IncidentScopes.Stored stored = scopes.get(incidentId, scopeId);
        JsonObject checked = checked(fields, language, templates);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        execute("""
                INSERT INTO notice_campaign (id, incident_id, scope_id, status, fields, templates, default_language, created_at, created_by, heartbeat_at)
                VALUES (?, ?, ?, 'ENUMERATING', ?, ?, ?, ?, ?, ?)""", id, incidentId, scopeId, values(incident, stored, fields, language).toString(),
                checked.toString(), language, Timestamps.utc(now), by.userId(), Timestamps.utc(now.minus(staleAfter).minusSeconds(1)));
        incidents.event(incidentId, by, "notices", "user-notice campaign started for " + stored.subjects() + " subjects (" + language + ")");
        audit.appendAction(by, "breach.notices-started", "incident", incidentId.toString(), null, Map.of("campaign", id.toString(),
                "subjects", Long.toString(stored.subjects())));
        return campaign(incidentId, id);
    }

    public List<Campaign> of(UUID incidentId) {
        incidents.get(incidentId);
        List<UUID> ids = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id FROM notice_campaign WHERE incident_id = ? ORDER BY created_at")) {
            s.setObject(1, incidentId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the campaigns could not be read", e);
        }
        return ids.stream().map(id -> campaign(incidentId, id)).toList();
    }

    public Campaign campaign(UUID incidentId, UUID id) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT k.id, k.incident_id, k.scope_id, k.status, k.default_language, k.enqueued,
                  count(*) FILTER (WHERE d.outcome = 'SENT'), count(*) FILTER (WHERE d.outcome = 'NO_ADDRESS'),
                  count(*) FILTER (WHERE d.sent_at IS NULL AND d.attempts > 0), count(*) FILTER (WHERE d.outcome = 'GAVE_UP'),
                  k.created_at, k.enumerated_at, k.finished_at
                FROM notice_campaign k LEFT JOIN notice_delivery d ON d.campaign_id = k.id
                WHERE k.id = ? AND k.incident_id = ? GROUP BY k.id""")) {
            s.setObject(1, id);
            s.setObject(2, incidentId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("The incident has no notice campaign with this id.");
                }
                return new Campaign(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), Timestamps.instant(rs, 11),
                        Timestamps.instant(rs, 12), Timestamps.instant(rs, 13));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the campaign could not be read", e);
        }
    }

    /** Recipients whose notice failed or is failing, with the error's kind (never an address). */
    public List<Failure> failures(UUID incidentId, UUID id, int limit) {
        campaign(incidentId, id);
        List<Failure> failures = new ArrayList<>();
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT subject_key, attempts, coalesce(outcome, 'RETRYING'), last_error FROM notice_delivery
                WHERE campaign_id = ? AND (outcome IN ('GAVE_UP', 'NO_ADDRESS') OR (sent_at IS NULL AND attempts > 0))
                ORDER BY subject_key LIMIT ?""")) {
            s.setObject(1, id);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    failures.add(new Failure(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the failures could not be read", e);
        }
        return failures;
    }

    /**
     * Takes one campaign whose heartbeat is stale (new, or left by an instance that stopped) and
     * enumerates its recipients from where it stopped. Runs outside JTA: store pages are read
     * on one connection, deliveries written in a local transaction on another.
     *
     * @return the campaign worked on, empty when none was waiting
     */
    public Optional<UUID> enumerateNext() throws Exception {
        Instant now = clock.instant();
        UUID id;
        String after;
        String description;
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE notice_campaign k SET heartbeat_at = ? FROM incident_scope p
                WHERE k.id = (SELECT id FROM notice_campaign WHERE status = 'ENUMERATING' AND heartbeat_at < ? ORDER BY created_at
                              LIMIT 1 FOR UPDATE SKIP LOCKED) AND k.heartbeat_at < ? AND p.id = k.scope_id
                RETURNING k.id, k.resume_after, p.description""")) {
            s.setObject(1, Timestamps.utc(now));
            s.setObject(2, Timestamps.utc(now.minus(staleAfter)));
            s.setObject(3, Timestamps.utc(now.minus(staleAfter)));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getObject(1, UUID.class);
                after = rs.getString(2) == null ? "" : rs.getString(2);
                description = rs.getString(3);
            }
        }
        BreachScope.Description d = BreachScope.Description.of(Json.createReader(new StringReader(description)).readObject());
        while (after != null) {
            List<String> keys = new ArrayList<>(PAGE);
            String last = scope.page(d, after, PAGE, a -> keys.add(a.key()));
            if (!store(id, keys, last)) {
                return Optional.of(id);
            }
            after = last;
        }
        execute("UPDATE notice_campaign SET status = 'SENDING', enumerated_at = ? WHERE id = ? AND status = 'ENUMERATING'",
                Timestamps.utc(clock.instant()), id);
        return Optional.of(id);
    }

    /** One page of recipients and the resume point, together; false when the campaign is no longer this instance's to enumerate. */
    private boolean store(UUID campaign, List<String> keys, String last) throws Exception {
        try (Connection c = quaestor.getConnection()) {
            return LocalTransaction.in(c, tx -> {
                Instant now = clock.instant();
                int added;
                try (PreparedStatement s = tx.prepareStatement("INSERT INTO notice_delivery (id, campaign_id, subject_key, created_at, "
                        + "next_attempt_at) SELECT gen_random_uuid(), ?, k, ?, ? FROM unnest(?::text[]) k "
                        + "ON CONFLICT (campaign_id, subject_key) DO NOTHING")) {
                    s.setObject(1, campaign);
                    s.setObject(2, Timestamps.utc(now));
                    s.setObject(3, Timestamps.utc(now));
                    s.setArray(4, tx.createArrayOf("text", keys.toArray()));
                    added = s.executeUpdate();
                }
                try (PreparedStatement s = tx.prepareStatement("UPDATE notice_campaign SET resume_after = coalesce(?, resume_after), "
                        + "enqueued = enqueued + ?, heartbeat_at = ? WHERE id = ? AND status = 'ENUMERATING'")) {
                    s.setString(1, last);
                    s.setInt(2, added);
                    s.setObject(3, Timestamps.utc(now));
                    s.setObject(4, campaign);
                    if (s.executeUpdate() == 0) {
                        tx.rollback();
                        return false;
                    }
                }
                return true;
            });
        }
    }

    /**
     * Closes a campaign whose recipients are all settled and meets the obligation it fulfils, once;
     * a campaign that reached nobody meets nothing (a responder waives the obligation with the reason).
     */
    @Transactional
    public void finishIfDone(UUID campaignId) {
        UUID incidentId;
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE notice_campaign k SET status = 'DONE', finished_at = ? WHERE id = ? AND status = 'SENDING'
                  AND NOT EXISTS (SELECT 1 FROM notice_delivery d WHERE d.campaign_id = k.id AND d.sent_at IS NULL)
                RETURNING incident_id""")) {
            s.setObject(1, Timestamps.utc(clock.instant()));
            s.setObject(2, campaignId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                incidentId = rs.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the campaign could not be finished", e);
        }
        Campaign done = campaign(incidentId, campaignId);
        String evidence = "User-notice campaign " + campaignId + ": " + done.sent() + " notices sent, " + done.noAddress()
                + " subjects without an address, " + done.gaveUp() + " undeliverable; finished " + done.finishedAt() + ".";
        if (done.sent() > 0) {
            incidents.meetBySystem(incidentId, obligationMet, evidence);
        }
        audit.appendAction(null, "breach.notices-done", "incident", incidentId.toString(), null, Map.of("campaign", campaignId.toString(),
                "sent", Long.toString(done.sent()), "undeliverable", Long.toString(done.gaveUp() + done.noAddress())));
    }

    /** The templates and values of a campaign, for its sender. */
    record Wording(Map<String, NoticeTemplates.Template> templates, String language, Map<String, String> values) {
        NoticeTemplates.Template template() {
            return templates.get(language);
        }
    }

    static Wording wording(String templatesJson, String language, String valuesJson) {
        Map<String, NoticeTemplates.Template> templates = new HashMap<>();
        JsonObject t = Json.createReader(new StringReader(templatesJson)).readObject();
        t.forEach((lang, text) -> templates.put(lang, NoticeTemplates.parse(lang, ((JsonString) text).getString(), "templates")));
        Map<String, String> values = new HashMap<>();
        Json.createReader(new StringReader(valuesJson)).readObject().forEach((k, v) -> values.put(k, ((JsonString) v).getString()));
        return new Wording(templates, language, values);
    }

    /** The address of one subject, read from the store by key (bound untyped, so the key column's own type and index apply). */
    Optional<String> address(String subjectKey) throws SQLException {
        Optional<String> sql = new SubjectQueries(dataMaps.active().map()).email();
        if (sql.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = dataMaps.subjectStore().getConnection(); PreparedStatement s = c.prepareStatement(sql.get())) {
            s.setObject(1, subjectKey, Types.OTHER);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Fields and templates as a campaign takes them, or the first problem naming its field; answers the templates by language. */
    private static JsonObject checked(Map<String, String> fields, String language, Map<String, String> templates) {
        for (String name : fields.keySet()) {
            if (!RESPONDER_FIELDS.contains(name)) {
                throw new InvalidInputException("fields." + name, "A notice takes the fields " + RESPONDER_FIELDS + "; the rest comes from "
                        + "the incident, the scope and the configuration.");
            }
        }
        for (Map.Entry<String, String> required : REQUIRED.entrySet()) {
            String value = fields.get(required.getKey());
            if (value == null || value.isBlank()) {
                throw new InvalidInputException("fields." + required.getKey(), "The notice must say " + required.getValue() + ".");
            }
        }
        JsonObjectBuilder checked = Json.createObjectBuilder();
        for (Map.Entry<String, String> own : templates.entrySet()) {
            NoticeTemplates.Template t = NoticeTemplates.parse(own.getKey(), own.getValue(), "templates." + own.getKey());
            checked.add(t.language(), own.getValue());
        }
        if (!templates.containsKey(language)) {
            String shipped = NoticeTemplates.shipped(language).orElseThrow(() -> new InvalidInputException("language",
                    "No notice template is shipped for '" + language + "'; give one in templates." + language + "."));
            checked.add(language, shipped);
        }
        String advice = fields.get("whatYouCanDo");
        if ((advice == null || advice.isBlank()) && NoticeTemplates.shippedAdvice(language).isEmpty()) {
            throw new InvalidInputException("fields.whatYouCanDo", "No default advice to users is shipped in '" + language
                    + "'; say in that language what users can do.");
        }
        return checked.build();
    }

    private JsonObject values(Incidents.Incident incident, IncidentScopes.Stored stored, Map<String, String> fields, String language) {
        JsonObjectBuilder v = Json.createObjectBuilder()
                .add("reference", incident.reference())
                .add("occurredAt", incident.occurredAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString())
                .add("detectedAt", incident.detectedAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString())
                .add("dataCategories", stored.categoriesText())
                .add("scope", stored.statement())
                .add("whatYouCanDo", NoticeTemplates.shippedAdvice(language).orElse(""))
                .add("contact", controller.contact())
                .add("authority", controller.authority())
                .add("controller", controller.name());
        fields.forEach((k, value) -> {
            if (RESPONDER_FIELDS.contains(k) && value != null && !value.isBlank()) {
                v.add(k, value.strip());
            }
        });
        return v.build();
    }

    private void execute(String sql, Object... values) {
        Statements.update(quaestor, sql, values);
    }
}
