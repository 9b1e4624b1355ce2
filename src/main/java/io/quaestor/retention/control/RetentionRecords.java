package io.quaestor.retention.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.documents.control.PdfDocument;
import io.quaestor.holds.control.LegalHolds;
import io.quaestor.holds.entity.LegalHold;
import io.quaestor.platform.persistence.Datasources;
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
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The deletion record of a retention run (ISO 27001 A.8.10's deletion log): the policy version,
 * every rule's cutoff per tenant and why, rows and partitions removed per store and category,
 * what holds and floors kept, start, end and outcome. Its SHA-256 over the stored bytes is an
 * audit event written in the same transaction; the PDF is rendered from the JSON.
 */
@ApplicationScoped
public class RetentionRecords {

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Inject
    RetentionRuns runs;

    @Inject
    LegalHolds holds;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    jakarta.enterprise.event.Event<RetentionRunCompleted> completed;

    /** Writes and seals the record and completes the run; false when the run was stopped meanwhile. */
    @Transactional
    public boolean seal(UUID runId) {
        RetentionRuns.Run run = runs.require(runId);
        if (!run.state().equals("RUNNING") || runs.partitions(runId).stream().anyMatch(p -> !p.done())) {
            return false;
        }
        Instant now = clock.instant();
        String content = content(run, now).toString();
        String sha256 = io.quaestor.platform.crypto.Digests.sha256Hex(content);
        AuditEvent event = audit.appendAction(null, "retention.run-recorded", "retention-run", runId.toString(), null,
                Map.of("sha256", sha256, "dryRun", Boolean.toString(run.dryRun()), "dataMapVersion", run.dataMapVersion()));
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE retention_run SET record = ?, "
                + "sha256 = ?, audit_event_id = ?, state = 'COMPLETED', finished_at = ? WHERE id = ? AND state = 'RUNNING'")) {
            s.setString(1, content);
            s.setBytes(2, HexFormat.of().parseHex(sha256));
            s.setObject(3, event.eventId());
            s.setObject(4, io.quaestor.platform.persistence.Timestamps.utc(now));
            s.setObject(5, runId);
            boolean sealed = s.executeUpdate() == 1;
            if (sealed) {
                completed.fire(new RetentionRunCompleted(runId, run.dryRun()));
            }
            return sealed;
        } catch (SQLException e) {
            throw new IllegalStateException("the retention record could not be stored", e);
        }
    }

    private JsonObject content(RetentionRuns.Run run, Instant finished) {
        JsonArrayBuilder rules = Json.createArrayBuilder();
        Map<String, Long> byCategory = new TreeMap<>();
        long total = 0;
        for (RetentionRuns.Partition p : runs.partitions(run.id())) {
            JsonObjectBuilder rule = Json.createObjectBuilder().add("store", p.store()).add("table", p.table())
                    .add("category", p.category()).add(run.dryRun() ? "rowsThatWouldGo" : "rowsDeleted", p.rowsDeleted())
                    .add("daysApplied", p.daysApplied()).add("reason", p.reason());
            rule.add("tenant", p.tenant() == null ? JsonValue.NULL : Json.createValue(p.tenant()));
            rule.add("cutoff", p.cutoff() == null ? JsonValue.NULL : Json.createValue(p.cutoff().toString()));
            if (p.heldBy() != null) {
                rule.add("keptByHold", p.heldBy());
            }
            if (p.rateCeiling() != null) {
                // How the purge paced itself for the gateway: the ceiling it ended at, its back-offs, its pauses.
                rule.add("pacing", Json.createObjectBuilder().add("rowsPerSecondCeiling", Math.round(p.rateCeiling()))
                        .add("backoffs", p.backoffs()).add("pausedMillis", p.pausedMillis()));
            }
            rules.add(rule);
            byCategory.merge(p.store() + "/" + p.category(), p.rowsDeleted(), Long::sum);
            total += p.rowsDeleted();
        }
        JsonArrayBuilder dropped = Json.createArrayBuilder();
        for (JsonValue d : partitionsDropped(run.id())) {
            JsonObject o = d.asJsonObject();
            dropped.add(o);
            String key = o.getString("store") + "/" + o.getString("table");
            byCategory.merge(key + " (partitions)", o.getJsonNumber("rows").longValue(), Long::sum);
            total += o.getJsonNumber("rows").longValue();
        }
        JsonArrayBuilder held = Json.createArrayBuilder();
        for (LegalHold h : holds.list(true)) {
            held.add(Json.createObjectBuilder().add("hold", h.getId().toString()).add("scope", h.getScope().name())
                    .add("scopeValue", h.getScope().name().equals("ACCOUNT") ? "(an account)" : h.getScopeValue())
                    .add("since", h.getStartsAt().toString()));
        }
        JsonObjectBuilder totals = Json.createObjectBuilder().add("rows", total);
        byCategory.forEach(totals::add);
        return Json.createObjectBuilder().add("format", "quaestor-deletion-record/1").add("run", run.id().toString())
                .add("dryRun", run.dryRun()).add("policyVersion", run.dataMapVersion()).add("startedBy", run.startedBy())
                .add("startedAt", run.startedAt().toString()).add("finishedAt", finished.toString()).add("executions", run.executions())
                .add("outcome", "completed").add("rules", rules).add("partitionsDropped", dropped).add("holdsInForce", held)
                .add("floors", "a legal floor keeps rows its rule names for at least its years; see each rule's reason")
                .add("totals", totals).build();
    }

    private jakarta.json.JsonArray partitionsDropped(UUID run) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT partitions_dropped FROM retention_run WHERE id = ?")) {
            s.setObject(1, run);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Json.createReader(new StringReader(rs.getString(1))).readArray();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the run could not be read", e);
        }
    }

    /** The record as a certificate for people, with the JSON's digest to check it against. */
    public byte[] pdf(RetentionRuns.Run run, String record) {
        JsonObject r = Json.createReader(new StringReader(record)).readObject();
        try (PdfDocument doc = new PdfDocument(r.getBoolean("dryRun") ? "Retention dry run" : "Deletion certificate: retention run",
                "Quaestor", run.finishedAt() == null ? clock.instant() : run.finishedAt())) {
            doc.field("Run", r.getString("run")).field("Policy (data map) version", r.getString("policyVersion"))
                    .field("Started", r.getString("startedAt") + " by " + r.getString("startedBy")).field("Finished", r.getString("finishedAt"))
                    .field("Executions (restarts included)", Integer.toString(r.getInt("executions")))
                    .field("SHA-256 of the JSON record", run.sha256())
                    .field("Sealed in the audit trail by event", String.valueOf(run.auditEventId()));
            doc.heading("Rules, per tenant");
            for (JsonValue v : r.getJsonArray("rules")) {
                JsonObject o = v.asJsonObject();
                doc.bullet(o.getString("store") + " / " + o.getString("table") + (o.isNull("tenant") ? "" : " / tenant " + o.getString("tenant"))
                        + ": " + (o.containsKey("keptByHold") ? "kept by legal hold (" + o.getString("keptByHold") + ")"
                        : (o.containsKey("rowsDeleted") ? o.getJsonNumber("rowsDeleted") + " rows deleted" : o.getJsonNumber("rowsThatWouldGo")
                        + " rows would go") + " before " + o.getString("cutoff") + " (" + o.getString("reason") + ")"));
            }
            doc.heading("Partitions dropped whole");
            if (r.getJsonArray("partitionsDropped").isEmpty()) {
                doc.paragraph("None.");
            }
            for (JsonValue v : r.getJsonArray("partitionsDropped")) {
                JsonObject o = v.asJsonObject();
                doc.bullet(o.getString("table") + " " + o.getString("partition") + " [" + o.getString("from") + ", " + o.getString("to")
                        + "): " + o.getJsonNumber("rows") + " rows");
            }
            doc.heading("Legal holds in force");
            if (r.getJsonArray("holdsInForce").isEmpty()) {
                doc.paragraph("None.");
            }
            r.getJsonArray("holdsInForce").forEach(v -> doc.bullet(v.asJsonObject().getString("scope") + " "
                    + v.asJsonObject().getString("scopeValue") + " (hold " + v.asJsonObject().getString("hold") + ")"));
            doc.heading("Totals");
            r.getJsonObject("totals").forEach((k, v) -> doc.field(k, v.toString()));
            return doc.toBytes();
        }
    }

}
