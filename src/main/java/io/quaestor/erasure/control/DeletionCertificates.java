package io.quaestor.erasure.control;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.documents.control.PdfDocument;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.webhooks.control.GatewayWebhooks;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The deletion certificate: per store and table what was deleted, pseudonymized and kept and on
 * what ground, with counts, the legal-hold checks and the verification scan. Its SHA-256 over the
 * exact stored bytes goes into the audit trail in the same transaction, so a later change to the
 * certificate shows against the signed trail. It names the subject only by pseudonym.
 */
@ApplicationScoped
public class DeletionCertificates {

    /** A certificate as stored: its JSON text, the digest of that text, and the audit event that sealed the digest. */
    public record Certificate(UUID runId, UUID requestId, String content, String sha256, UUID auditEventId, Instant issuedAt) {
        public JsonObject json() {
            return ErasureJson.object(content);
        }
    }

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @PersistenceContext(unitName = "quaestor")
    EntityManager em;

    @Inject
    ErasureRuns runs;

    @Inject
    AuditLog audit;

    @Inject
    GatewayWebhooks webhooks;

    @Inject
    Clock clock;

    @Inject
    io.quaestor.datamap.control.DataMaps maps;

    @Transactional
    public Certificate issue(ErasureRuns.Run run, List<Object> keys, List<SubjectErasure.TableAction> applied, JsonObject scan) {
        Instant now = clock.instant();
        String reference = run.requestId() == null ? null : em.find(DataSubjectRequest.class, run.requestId()).getReference();
        String content = content(run, reference, applied, scan, now, keyTables(run)).toString();
        String sha256 = io.quaestor.platform.crypto.Digests.sha256Hex(content);
        AuditEvent sealed = audit.appendAction(null, "erasure.certified", "erasure-run", run.id().toString(), run.tenant(),
                Map.of("sha256", sha256, "subject", run.subjectPseudonym(), "request", reference == null ? "" : reference));
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO deletion_certificate "
                + "(run_id, request_id, content, sha256, audit_event_id, issued_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, run.id());
            s.setObject(2, run.requestId());
            s.setString(3, content);
            s.setBytes(4, HexFormat.of().parseHex(sha256));
            s.setObject(5, sealed.eventId());
            s.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the deletion certificate could not be stored", e);
        }
        runs.certified(run.id(), scan.toString());
        for (Object key : keys) {
            webhooks.queue("subject.erased", Map.of("account", key.toString(), "request", reference == null ? "" : reference,
                    "certificateSha256", sha256));
        }
        return new Certificate(run.id(), run.requestId(), content, sha256, sealed.eventId(), now);
    }

    /** The certificate of one erasure run. */
    public Optional<Certificate> ofRun(UUID runId) {
        try (Connection c = quaestor.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT run_id, request_id, content, sha256, audit_event_id, issued_at FROM deletion_certificate WHERE run_id = ?")) {
            s.setObject(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Certificate(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        HexFormat.of().formatHex(rs.getBytes(4)), rs.getObject(5, UUID.class),
                        rs.getObject(6, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the deletion certificate could not be read", e);
        }
    }

    /** The certificate of the request's run for one kind of subject ({@code null}: its first run). */
    public Certificate require(UUID requestId, String kind) {
        ErasureRuns.Run run = runs.byRequest(requestId).stream()
                .filter(r -> kind == null || kind.equals(Erasures.kindOf(r, maps.active().map()))).findFirst()
                .orElseThrow(() -> new NotFoundException("No erasure was started for this request" + (kind == null ? "" : " and kind") + "."));
        return ofRun(run.id()).orElseThrow(() -> new NotFoundException("This request has no deletion certificate (yet)."));
    }

    /** The certificate as a document for people: the same facts as the JSON, and the JSON's digest to check it by. */
    public byte[] pdf(Certificate certificate) {
        JsonObject c = certificate.json();
        try (PdfDocument doc = new PdfDocument("Deletion certificate", "Quaestor", certificate.issuedAt())) {
            doc.field("Request", c.getString("request", "—")).field("Cause", c.getString("cause"))
                    .field("Subject (pseudonym)", c.getString("subject")).field("Data map version", c.getString("dataMapVersion")
                            + (c.containsKey("finishedUnderDataMapVersion") ? " at the start; " + c.getString("finishedUnderDataMapVersion")
                            + " when carried out (planned again)" : ""))
                    .field("Started", c.getString("startedAt")).field("Certified", c.getString("certifiedAt"))
                    .field("SHA-256 of the JSON certificate", certificate.sha256())
                    .field("Sealed in the audit trail by event", certificate.auditEventId().toString());
            doc.heading("Before erasure").paragraph(c.getString("apiKeys")).paragraph(c.getString("legalHolds"));
            for (JsonValue store : c.getJsonArray("stores")) {
                doc.heading("Store " + store.asJsonObject().getString("store"));
                for (JsonValue t : store.asJsonObject().getJsonArray("tables")) {
                    doc.bullet(line(t.asJsonObject()));
                }
            }
            JsonObject totals = c.getJsonObject("totals");
            doc.heading("Totals").field("Rows deleted", totals.get("deleted").toString())
                    .field("Rows kept with personal fields pseudonymized or removed", totals.get("pseudonymized").toString())
                    .field("Rows kept unchanged (not the subject's data to erase)", totals.get("retained").toString());
            JsonObject v = c.getJsonObject("verification");
            JsonArray tables = v.getJsonArray("tablesSearched");
            long mapped = tables == null ? 0 : tables.stream().filter(t -> t.asJsonObject().getBoolean("mapped")).count();
            doc.heading("Verification scan").paragraph(v.getBoolean("clean")
                    ? "Clean: " + (tables == null ? "every mapped table" : "all " + tables.size() + " tables of the store (" + mapped
                    + " in the data map, " + (tables.size() - mapped) + " not)") + " were searched for the subject's identifiers, "
                    + "and none was found outside rows kept by law."
                    : "Not clean: " + v);
            if (v.containsKey("method")) {
                doc.field("How", v.getString("method"));
            }
            doc.field("Identifiers searched", v.getJsonObject("identifiersSearched").toString())
                    .field("Pseudonyms found in rows kept by law", v.getJsonArray("pseudonymsFound").toString());
            return doc.toBytes();
        }
    }

    private static String line(JsonObject t) {
        String what = switch (t.getString("strategy")) {
            case "delete-row" -> t.getJsonNumber("rows") + " row(s) deleted";
            default -> t.getJsonNumber("rows") + " row(s) kept" + (t.getJsonObject("columns").isEmpty() ? ""
                    : ", with " + t.getJsonObject("columns") + " applied") + "; ground: " + t.getString("ground", "—")
                    + (t.containsKey("retainedUntil") ? "; kept until " + t.getString("retainedUntil") : "");
        };
        return t.getString("category") + " / " + t.getString("table") + ": " + what;
    }

    /** The tables where the map finds API keys (by prefix or by hash): their deleted rows are the subject's keys. */
    private java.util.Set<String> keyTables(ErasureRuns.Run run) {
        io.quaestor.datamap.entity.DataMap map = maps.active().map();
        return map.kind(Erasures.kindOf(run, map)).orElse(map.subject()).identifiers().stream().filter(i -> i.kind().startsWith("api-key"))
                .map(io.quaestor.datamap.entity.DataMap.Identifier::table).collect(java.util.stream.Collectors.toSet());
    }

    private static JsonObject content(ErasureRuns.Run run, String reference, List<SubjectErasure.TableAction> applied,
                                      JsonObject scan, Instant now, java.util.Set<String> keyTables) {
        Map<String, JsonArrayBuilder> stores = new java.util.LinkedHashMap<>();
        long deleted = 0;
        long pseudonymized = 0;
        long retained = 0;
        long keysDeleted = 0;
        for (SubjectErasure.TableAction a : applied) {
            JsonObjectBuilder table = Json.createObjectBuilder().add("table", a.table()).add("category", a.category())
                    .add("strategy", a.strategy()).add("rows", a.rows());
            JsonObjectBuilder columns = Json.createObjectBuilder();
            a.columns().forEach(columns::add);
            table.add("columns", columns);
            if (a.ground() != null) {
                table.add("ground", a.ground());
            }
            if (a.retainYears() != null && a.clockColumn() != null) {
                table.add("retainedUntil", a.retainYears() + " years from each row's " + a.clockColumn());
            }
            stores.computeIfAbsent(a.store(), s -> Json.createArrayBuilder()).add(table);
            if ("delete-row".equals(a.strategy())) {
                deleted += a.rows();
                keysDeleted += keyTables.contains(a.table()) ? a.rows() : 0;
            } else if (!a.columns().isEmpty()) {
                pseudonymized += a.rows();
            } else {
                retained += a.rows();
            }
        }
        JsonArrayBuilder storeArray = Json.createArrayBuilder();
        stores.forEach((name, tables) -> storeArray.add(Json.createObjectBuilder().add("store", name).add("tables", tables)));
        JsonObjectBuilder o = Json.createObjectBuilder().add("format", "quaestor-deletion-certificate/1")
                .add("run", run.id().toString()).add("cause", run.cause());
        if (reference != null) {
            o.add("request", reference);
        }
        if (run.finishedMapVersion() != null && !run.finishedMapVersion().equals(run.dataMapVersion())) {
            o.add("finishedUnderDataMapVersion", run.finishedMapVersion()).add("replanned", "The data map changed while the erasure "
                    + "ran; it was planned again and carried out under version " + run.finishedMapVersion() + ".");
        }
        if (run.subjectKind() != null) {
            o.add("subjectKind", run.subjectKind());
        }
        return o.add("subject", run.subjectPseudonym()).add("tenant", run.tenant()).add("dataMapVersion", run.dataMapVersion())
                .add("startedBy", run.startedBy()).add("startedAt", run.startedAt().toString()).add("certifiedAt", now.toString())
                .add("apiKeys", "The gateway was told to revoke the subject's API keys (signed webhook subject.erasure-started) "
                        + "before any data was erased; " + keysDeleted + " key record(s) were then deleted.")
                .add("legalHolds", "No legal hold was in force over the subject's tenant, account or data categories, "
                        + "checked when the erasure started and again inside each store's erasing transaction.")
                .add("stores", storeArray)
                .add("totals", Json.createObjectBuilder().add("deleted", deleted).add("pseudonymized", pseudonymized).add("retained", retained))
                .add("verification", scan).build();
    }

}
